// Property-based fuzzing of every mutating route through inject(): malformed and mistyped JSON,
// huge strings and bodies, unicode, SQL-looking strings and prototype-pollution keys. Whatever
// arrives: never a 5xx, always an ApiErrorBody on failure, and a rejected request leaves the
// store and the engine exactly as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { parseAddress } from '@fulcrum/shared/address';
import { API_ERROR_CODES } from '@fulcrum/shared/api';
import type { ApiErrorBody, ServiceDto } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { TOKEN, freePort, startApp, untouched } from './helpers.ts';

const RUNS = 200;
const SEED = process.env.FULCRUM_TEST_SEED === undefined ? undefined : Number(process.env.FULCRUM_TEST_SEED);

// ---- values ---------------------------------------------------------------------------------

const SQLISH = [
  "'; DROP TABLE services; --",
  '" OR 1=1 --',
  "x'); DELETE FROM backends; --",
  '127.0.0.1:1; DROP TABLE tokens',
  '%00',
  '\u0000',
  'NULL',
];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
const FIELDS = [
  'name', 'listen', 'strategy', 'strategyOptions', 'boundedLoadFactor', 'connectTimeoutMs', 'idleTimeoutMs', 'retries',
  'drainTimeoutMs', 'maxQueue', 'queueTimeoutMs', 'healthCheck', 'type', 'intervalMs', 'rise', 'fall', 'httpPath', 'send',
  'expect', 'expectRegex', 'backends', 'address', 'weight', 'state', 'backup', 'maxConnections', 'version', 'services', 'token',
];

const scalar = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...SQLISH, ...PROTO_KEYS, '', ' ', 'enabled', 'draining', 'round-robin', 'consistent-hash', 'tcp', 'none'),
  fc.constantFrom('127.0.0.1:7009', '[::1]:7010', 'localhost:7011', '127.0.0.1:0', '127.0.0.1:65536', ':80', '[::1]', '1.2.3.4.5:1'),
  fc.integer(),
  fc.integer({ min: -2, max: 1002 }),
  fc.double(),
  fc.constantFrom(0, -0, 1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('x'.repeat(70_000), 'é'.repeat(5_000), '🦀'.repeat(3_000)),
);

/** Values shaped like the API's (known field names, nested objects and arrays) but wrong in many ways. */
const shaped: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('object'), tie('array')),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS, ...PROTO_KEYS), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 6 }),
  array: fc.array(tie('value'), { maxLength: 4 }),
})).value;

/** A body that is a plausible request with one or more fields replaced by garbage. */
function plausible(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.subarray(Object.keys(base)), fc.dictionary(fc.constantFrom(...FIELDS, ...PROTO_KEYS), shaped, { maxKeys: 3 }))
    .map(([keep, extra]) => ({ ...Object.fromEntries(keep.map((k) => [k, base[k]])), ...extra }));
}

/** Paths to the scalar leaves of a JSON value. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]));
}

const typedString = fc.oneof(
  fc.constantFrom(...SQLISH, '', 'fastest', 'weighted-round-robin', 'http', 'send-expect', 'disabled', 'fuzz', 'admin', 'cache'),
  fc.constantFrom('127.0.0.1:7001', '127.0.0.1:7020', '127.0.0.1:0', '127.0.0.1:99999', '[::1]:7050', 'localhost:7051', '127.1:7052', '::1:80', '[fe80::1'),
  fc.string({ unit: 'grapheme', maxLength: 70 }),
  fc.constant('y'.repeat(5000)),
);
const typedNumber = fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.constantFrom(0, 0.5, 1.25, 10, 11, 65535, 3_600_001, 1e9), fc.double({ noNaN: true }));

/** The base request with one to three leaves replaced by values of the same type: these reach the handlers' own checks. */
function typedMutation(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths = leaves(base);
  if (paths.length === 0) return plausible(base);
  return fc
    .array(fc.tuple(fc.nat({ max: paths.length - 1 }), typedString, typedNumber, fc.boolean()), { minLength: 1, maxLength: 3 })
    .map((mutations) => {
      const copy = structuredClone(base) as Record<string | number, unknown>;
      for (const [i, str, num, bool] of mutations) {
        const path = paths[i]!;
        let parent = copy as Record<string | number, unknown>;
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
        const key = path.at(-1)!;
        const current = parent[key];
        parent[key] = typeof current === 'number' ? num : typeof current === 'boolean' ? bool : str;
      }
      return copy;
    });
}

/** Raw request text: JSON of anything above, any JSON at all, broken JSON, pollution attempts, huge. */
function bodies(base: Record<string, unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: typedMutation(base).map((v) => JSON.stringify(v)) },
    { weight: 5, arbitrary: plausible(base).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 3, arbitrary: shaped.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.json().map((s) => s.slice(0, Math.max(0, s.length - 1))) },
    { weight: 2, arbitrary: fc.constantFrom(
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      `{"name":"p","listen":"127.0.0.1:7012","healthCheck":{"__proto__":{"polluted":true}}}`,
      `{"version":1,"services":[{"name":"p","listen":"127.0.0.1:7013","__proto__":{"x":1}}]}`,
      '{"backends":[{"address":"127.0.0.1:7014","constructor":{"prototype":{"polluted":true}}}]}',
      // Duplicate keys, which JSON.parse would resolve silently to the last one.
      '{"name":"p","name":"q","listen":"127.0.0.1:7015"}',
      '{"version":1,"version":1,"services":[]}',
      '{"address":"127.0.0.1:7016","weight":1,"weight":2}',
      '{"a":'.repeat(5000),
      '[]',
      'null',
      '"string"',
      '1e999',
      '',
    ) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify({ ...base, pad: 'x'.repeat(5 * 1024 * 1024) })) },
  );
}

/** Never let a fuzzed value make the engine bind or probe anything but loopback. */
function loopbackOnly(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return true; // not JSON: never reaches a handler
  }
  const stack = [value];
  for (let steps = 0; stack.length > 0 && steps < 100_000; steps++) {
    const v = stack.pop();
    if (typeof v === 'string') {
      const parsed = parseAddress(v);
      if (parsed.ok && !/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(parsed.value.host)) return false;
    } else if (v && typeof v === 'object') stack.push(...Object.values(v as object));
  }
  return true;
}

const contentTypes = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
  { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', undefined) },
);
const headerText = fc.string({ maxLength: 20 }).filter((s) => /^[\x20-\x7e]*$/.test(s));

// ---- the app under test ---------------------------------------------------------------------

let t: TestApp;

beforeAll(async () => {
  t = await startApp({ authFailureLimit: { maxFailures: 1000, windowMs: 60_000 } });
});

afterAll(async () => {
  await t.close();
});

/** The fixture the requests aim at; recreated if a fuzzed request (legitimately) removed it. */
async function fixture(): Promise<{ service: ServiceDto; tokenId: number }> {
  let service = t.app.fulcrum.config.services.find((s) => s.name === 'fuzz');
  if (!service) {
    const body = { name: 'fuzz', listen: `127.0.0.1:${await freePort()}`, healthCheck: { type: 'none' }, backends: [{ address: '127.0.0.1:7001' }] };
    expect((await send('POST', '/api/services', JSON.stringify(body))).statusCode).toBe(201);
    service = t.app.fulcrum.config.services.find((s) => s.name === 'fuzz')!;
  }
  let victim = t.store.tokens.getByName('victim');
  if (!victim || victim.revokedAt !== null) {
    expect((await send('POST', '/api/tokens', JSON.stringify({ name: 'victim' }))).statusCode).toBe(201);
    victim = t.store.tokens.getByName('victim')!;
  }
  return { service, tokenId: victim.id };
}

function send(method: InjectOptions['method'], url: string, payload?: string, headers: Record<string, string | undefined> = {}) {
  const all: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
  if (payload !== undefined) all['content-type'] = 'application/json';
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) delete all[k];
    else all[k] = v;
  }
  return t.app.inject({ method, url, headers: all, ...(payload !== undefined ? { payload } : {}) });
}

const snapshot = () => untouched(t);

interface Case {
  method: InjectOptions['method'];
  url: (f: Awaited<ReturnType<typeof fixture>>) => string;
  base: Record<string, unknown>;
  /** Extra content types this route accepts. */
  yaml?: boolean;
}

const CASES: Record<string, Case> = {
  'POST /api/services': {
    method: 'POST',
    url: () => '/api/services',
    base: { name: 'fz', listen: '127.0.0.1:7020', strategy: 'random', healthCheck: { type: 'none' }, backends: [{ address: '127.0.0.1:7021' }] },
  },
  'PATCH /api/services/:id': {
    method: 'PATCH',
    url: (f) => `/api/services/${f.service.id}`,
    base: { retries: 1, strategy: 'least-connections', healthCheck: { rise: 3 }, backends: [{ address: '127.0.0.1:7001', weight: 2 }] },
  },
  'DELETE /api/services/:id': { method: 'DELETE', url: (f) => `/api/services/${f.service.id}`, base: { version: 1 } },
  'POST /api/services/:id/backends': {
    method: 'POST',
    url: (f) => `/api/services/${f.service.id}/backends`,
    base: { address: '127.0.0.1:7030', weight: 5, state: 'disabled', backup: true, maxConnections: 10 },
  },
  'PATCH /api/services/:id/backends/:backendId': {
    method: 'PATCH',
    url: (f) => `/api/services/${f.service.id}/backends/${f.service.backends[0]?.id ?? 1}`,
    base: { weight: 7, state: 'draining', address: '127.0.0.1:7031' },
  },
  'DELETE /api/services/:id/backends/:backendId': {
    method: 'DELETE',
    url: (f) => `/api/services/${f.service.id}/backends/${f.service.backends[0]?.id ?? 1}`,
    base: { version: 1 },
  },
  'PUT /api/config': {
    method: 'PUT',
    url: () => '/api/config',
    base: { version: 1, services: [{ name: 'fuzz', listen: '127.0.0.1:7040', backends: [{ address: '127.0.0.1:7001' }] }] },
    yaml: true,
  },
  'POST /api/tokens': { method: 'POST', url: () => '/api/tokens', base: { name: 'fuzzer' } },
  'DELETE /api/tokens/:id': { method: 'DELETE', url: (f) => `/api/tokens/${f.tokenId}`, base: {} },
  'POST /api/login': { method: 'POST', url: () => '/api/login', base: { token: TOKEN } },
  'POST /api/logout': { method: 'POST', url: () => '/api/logout', base: {} },
};

const paths = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('0', '-1', '1.5', '99999999999999999999', 'abc', '%27%3B%20DROP%20TABLE%20services', '__proto__', 'constructor'),
      // Loose readings that once acted on real objects (1e9→1, 10e9→10, 1.99→1, 0x2→2, " 1"→1, true→1).
      fc.constantFrom('1e9', '10e9', '1.99', '0x2', '%201', 'true', '01', '1.0', '+1'),
      fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !/^[1-9][0-9]*$/.test(s) && s !== '.' && s !== '..').map(encodeURIComponent),
    ),
  },
);

describe('fuzzing mutating routes', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: never 5xx, always ApiErrorBody, rejections change nothing`, { timeout: 60_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(
          bodies(c.base).filter(loopbackOnly),
          c.yaml ? fc.oneof({ weight: 6, arbitrary: contentTypes }, { weight: 1, arbitrary: fc.constantFrom('application/yaml', 'text/yaml') }) : contentTypes,
          fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: headerText }),
          paths,
          async (body, contentType, ifMatch, badId) => {
            const f = await fixture();
            let url = c.url(f);
            const malformedId = badId !== undefined && /\/\d+$/.test(url);
            if (malformedId) url = url.replace(/\/\d+$/, `/${badId}`);
            const before = snapshot();
            const res = await send(c.method, url, body, { 'content-type': contentType, ...(ifMatch !== undefined ? { 'if-match': ifMatch } : {}) });
            expect(res.statusCode, res.body).toBeLessThan(500);
            expect(({} as Record<string, unknown>).polluted).toBeUndefined();
            expect((Object.prototype as Record<string, unknown>).x).toBeUndefined();
            // A malformed id names no object: the request is refused whatever else it carries.
            if (malformedId) expect(res.statusCode, `${url} → ${res.body}`).toBeGreaterThanOrEqual(400);
            if (res.statusCode < 400) return;
            const error = res.json<ApiErrorBody>();
            expect(Object.keys(error).sort()).toEqual(error.field === undefined ? ['code', 'message', 'statusCode'] : ['code', 'field', 'message', 'statusCode']);
            expect(error.statusCode).toBe(res.statusCode);
            expect(Object.keys(API_ERROR_CODES)).toContain(error.code);
            expect(typeof error.message).toBe('string');
            expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
            expect(snapshot()).toEqual(before);
          },
        ),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
      expect(t.store.db.inTransaction).toBe(false);
    });
  }
});
