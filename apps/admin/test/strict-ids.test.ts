// Ids and numbers in paths and query strings are exactly what they claim to be or a 400 naming
// the parameter: no loose conversion (1e9→1, 1.99→1, 0x2→2, " 1"→1, true→1) may make a request
// act on an object the operator did not name. Issue #10 item 1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import type { ApiErrorBody, ServiceDto } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { api, freePort, startApp, untouched } from './helpers.ts';

const SEED = process.env.FULCRUM_TEST_SEED === undefined ? undefined : Number(process.env.FULCRUM_TEST_SEED);

let t: TestApp;
let services: readonly ServiceDto[];

beforeAll(async () => {
  t = await startApp();
  // Ten services (ids 1–10), each with one backend, so every loose reading names a real object.
  for (let i = 1; i <= 10; i++) {
    const body = { name: `s${i}`, listen: `127.0.0.1:${await freePort()}`, healthCheck: { type: 'none' }, backends: [{ address: `127.0.0.1:${7100 + i}` }] };
    expect((await api(t.app, 'POST', '/api/services', body)).statusCode).toBe(201);
  }
  expect((await api(t.app, 'POST', '/api/tokens', { name: 'victim' })).statusCode).toBe(201);
  services = t.app.fulcrum.config.services;
  expect(services.map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(services[0]!.backends[0]!.id).toBe(1);
});

afterAll(async () => {
  await t.close();
});

const snapshot = () => untouched(t);

interface Target {
  method: InjectOptions['method'];
  url: (bad: string) => string;
  body?: unknown;
  field: string;
}

/** Every route that takes an id or a number from the URL, with `bad` in that place. */
const TARGETS: Record<string, Target> = {
  'GET /api/services/:id': { method: 'GET', url: (b) => `/api/services/${b}`, field: 'id' },
  'PATCH /api/services/:id': { method: 'PATCH', url: (b) => `/api/services/${b}`, body: { retries: 1 }, field: 'id' },
  'DELETE /api/services/:id': { method: 'DELETE', url: (b) => `/api/services/${b}`, field: 'id' },
  'POST /api/services/:id/backends': { method: 'POST', url: (b) => `/api/services/${b}/backends`, body: { address: '127.0.0.1:7199' }, field: 'id' },
  'PATCH /api/services/1/backends/:backendId': { method: 'PATCH', url: (b) => `/api/services/1/backends/${b}`, body: { weight: 9 }, field: 'backendId' },
  'PATCH /api/services/:id/backends/1': { method: 'PATCH', url: (b) => `/api/services/${b}/backends/1`, body: { weight: 9 }, field: 'id' },
  'DELETE /api/services/1/backends/:backendId': { method: 'DELETE', url: (b) => `/api/services/1/backends/${b}`, field: 'backendId' },
  'POST /api/services/1/backends/:backendId/rebalance': { method: 'POST', url: (b) => `/api/services/1/backends/${b}/rebalance`, body: { windowMs: 1000 }, field: 'backendId' },
  'POST /api/services/:id/backends/1/rebalance': { method: 'POST', url: (b) => `/api/services/${b}/backends/1/rebalance`, body: { windowMs: 1000 }, field: 'id' },
  'GET /api/services/:id/connections': { method: 'GET', url: (b) => `/api/services/${b}/connections`, field: 'id' },
  'GET /api/services/1/connections?backendId': { method: 'GET', url: (b) => `/api/services/1/connections?backendId=${b}`, field: 'backendId' },
  'GET /api/services/1/connections?limit': { method: 'GET', url: (b) => `/api/services/1/connections?limit=${b}`, field: 'limit' },
  'DELETE /api/services/1/connections/:connectionId': { method: 'DELETE', url: (b) => `/api/services/1/connections/${b}`, field: 'connectionId' },
  'POST /api/services/1/backends/:backendId/close-connections': { method: 'POST', url: (b) => `/api/services/1/backends/${b}/close-connections`, field: 'backendId' },
  'DELETE /api/tokens/:id': { method: 'DELETE', url: (b) => `/api/tokens/${b}`, field: 'id' },
  'GET /api/events?limit': { method: 'GET', url: (b) => `/api/events?limit=${b}`, field: 'limit' },
  'GET /api/events?serviceId': { method: 'GET', url: (b) => `/api/events?serviceId=${b}`, field: 'serviceId' },
  'GET /api/events?before': { method: 'GET', url: (b) => `/api/events?before=${b}`, field: 'before' },
};

async function expectRejected(target: Target, bad: string): Promise<void> {
  const before = snapshot();
  const res = await api(t.app, target.method, target.url(encodeURIComponent(bad)), target.body);
  expect(res.statusCode, `${target.method} ${target.url(bad)} → ${res.body}`).toBe(400);
  const error = res.json<ApiErrorBody>();
  expect(error).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR', field: target.field });
  expect(error.message.startsWith(`${target.field}: `)).toBe(true);
  expect(snapshot()).toEqual(before);
}

// The exact readings the hostile test found, and their neighbours.
const MALFORMED = ['1e9', '10e9', '1.99', '0x2', ' 1', '1 ', 'true', 'false', '01', '+1', '1.0', '1e0', '0b1', '0o1', '1_0', '١', 'Infinity', 'NaN', '-1', '0', '-0', '', '9007199254740992', '99999999999999999999'];

describe('malformed ids and numbers are rejected, never read loosely', () => {
  for (const [name, target] of Object.entries(TARGETS)) {
    it(`${name}: ${MALFORMED.length} malformed values → 400 naming ${target.field}, nothing changes`, async () => {
      for (const bad of MALFORMED) {
        if (bad === '' && !target.url('').includes('?')) continue; // an empty path segment is another route
        await expectRejected(target, bad);
      }
    });
  }

  it('the reported cases, verbatim, leave service 10, backend 1 and the admin token alone', async () => {
    const service10 = structuredClone(t.app.fulcrum.config.service(10));
    expect(service10).toMatchObject({ id: 10 });
    expect((await api(t.app, 'DELETE', '/api/services/10e9')).statusCode).toBe(400);
    expect((await api(t.app, 'PATCH', '/api/services/1.99/backends/true', { weight: 5 })).statusCode).toBe(400);
    expect((await api(t.app, 'DELETE', '/api/tokens/true')).statusCode).toBe(400);
    expect((await api(t.app, 'GET', '/api/services/1e9')).statusCode).toBe(400);
    expect((await api(t.app, 'GET', '/api/events?limit=1e3')).statusCode).toBe(400);
    expect(t.app.fulcrum.config.service(10)).toEqual(service10);
    expect(t.app.fulcrum.config.service(1)!.backends[0]!.weight).toBe(1);
    // The admin token still works: the request above did not revoke token 1.
    expect((await api(t.app, 'GET', '/api/services')).statusCode).toBe(200);
  });

  it('canonical ids still work (the same routes, the right objects)', async () => {
    const res = await api(t.app, 'GET', '/api/services/10');
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceDto>().name).toBe('s10');
    expect((await api(t.app, 'GET', '/api/events?limit=3&serviceId=1')).statusCode).toBe(200);
    expect((await api(t.app, 'GET', '/api/services/11')).statusCode).toBe(404);
  });
});

describe('property: no string that is not a canonical positive integer acts on any object', () => {
  const canonical = /^[1-9][0-9]*$/;
  const nonCanonical = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.string({ unit: fc.constantFrom(...'0123456789eExXbBoO.+- _'), minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 10 }).chain((n) => fc.constantFrom(`${n}.0`, `0${n}`, `${n}e0`, ` ${n}`, `${n}\t`, `0x${n.toString(16)}`, `${n}n`, `+${n}`)),
    )
    // `.` and `..` are dot segments: URL parsing removes them, so they name another route (404).
    .filter((s) => !canonical.test(s) && s !== '.' && s !== '..');

  for (const [name, target] of Object.entries(TARGETS)) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(nonCanonical, (bad) => expectRejected(target, bad)),
        { numRuns: 60, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    });
  }
});
