// GET/PUT /api/config: the whole configuration as one document, applied all or nothing.
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { ApiErrorBody, ConfigDocument, EventDto, ServiceDto, WithWarnings } from '@fulcrum/shared/api';
import { renderConfig } from '../src/config/config-document.ts';
import type { TestApp, TcpServer } from './helpers.ts';
import { TOKEN, api, eventually, freePort, observable, startApp, startEchoServer, startTcpServer } from './helpers.ts';

let t: TestApp;
let echo: TcpServer;
let ports: number[];

beforeEach(async () => {
  t = await startApp();
  echo = await startEchoServer();
  ports = [await freePort(), await freePort(), await freePort()];
  for (const [i, name] of ['cache', 'db'].entries()) {
    const res = await api(t.app, 'POST', '/api/services', {
      name,
      listen: `127.0.0.1:${ports[i]}`,
      strategy: i === 0 ? 'least-connections' : 'consistent-hash',
      ...(i === 1 ? { strategyOptions: { boundedLoadFactor: 1.25 } } : {}),
      healthCheck: { type: 'none' },
      backends: [{ address: `127.0.0.1:${echo.port}`, weight: 2 }, { address: '127.0.0.1:7002', state: 'disabled', backup: true }],
    });
    expect(res.statusCode).toBe(201);
  }
});

afterEach(async () => {
  await t.close();
  await echo.close();
});

function put(app: TestApp['app'], body: string | object, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'PUT',
    url: '/api/config',
    headers: { authorization: `Bearer ${TOKEN}`, ...(typeof body === 'string' ? { 'content-type': 'application/yaml' } : {}), ...headers },
    payload: body,
  });
}

const exportText = async (app: TestApp['app'], format: 'json' | 'yaml') => (await api(app, 'GET', `/api/config?format=${format}`)).body;

describe('export', () => {
  it('is the whole configuration without ids, JSON by default and YAML on request', async () => {
    const res = await api(t.app, 'GET', '/api/config');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    const doc = res.json<ConfigDocument>();
    expect(doc.version).toBe(1);
    expect(doc.services.map((s) => s.name)).toEqual(['cache', 'db']);
    expect(doc.services[1]).toMatchObject({ strategy: 'consistent-hash', strategyOptions: { boundedLoadFactor: 1.25 } });
    expect(doc.services[0]!.backends).toEqual([
      { address: `127.0.0.1:${echo.port}`, weight: 2, state: 'enabled', backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null },
      { address: '127.0.0.1:7002', weight: 1, state: 'disabled', backup: true, maxConnections: 0, agentCheck: null, proxyProtocol: null },
    ]);
    expect(res.body).not.toMatch(/"id"|"version": \d+,\s*"backends"|serviceId/);

    const yaml = await api(t.app, 'GET', '/api/config', undefined, { accept: 'application/yaml' });
    expect(yaml.headers['content-type']).toBe('application/yaml; charset=utf-8');
    expect(YAML.parse(yaml.body)).toEqual(doc);
    expect(yaml.headers.etag).toBe(res.headers.etag);
    expect((await api(t.app, 'GET', '/api/config?format=yaml')).body).toBe(yaml.body);
    expect((await api(t.app, 'GET', '/api/config?format=json', undefined, { accept: 'application/yaml' })).body).toBe(res.body);
  });
});

describe('round trip', () => {
  it.each(['json', 'yaml'] as const)('%s: export → import → export is byte-identical, here and in a fresh installation', async (format) => {
    const first = await exportText(t.app, format);
    const before = await observable(t);
    const again = await put(t.app, format === 'json' ? JSON.parse(first) : first);
    expect(again.statusCode).toBe(200);
    expect(again.headers['x-fulcrum-changes']).toBe('created=0 updated=0 deleted=0 unchanged=2');
    expect(await exportText(t.app, format)).toBe(first);
    // Re-importing the same document is a no-op: same versions, ids, engine config.
    expect(await observable(t)).toEqual(before);

    // Another installation: every service is created from the document.
    await t.close();
    t = await startApp();
    const fresh = await put(t.app, format === 'json' ? JSON.parse(first) : first);
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers['x-fulcrum-changes']).toBe('created=2 updated=0 deleted=0 unchanged=0');
    expect(await exportText(t.app, format)).toBe(first);
    // The answer is the same document, plus a note for each service created without idle timeout.
    const { warnings, ...answered } = (format === 'json' ? JSON.parse(fresh.body) : YAML.parse(fresh.body)) as ConfigDocument & WithWarnings;
    const untimed = answered.services.flatMap((s, i) => (s.idleTimeoutMs === 0 ? [`services[${i}].idleTimeoutMs`] : []));
    expect(warnings?.map((w) => [w.code, w.field]) ?? []).toEqual(untimed.map((field) => ['NO_IDLE_TIMEOUT', field]));
    expect(renderConfig(answered, format)).toBe(first);
  });
});

describe('import', () => {
  it('updates matched services in place, deletes missing ones, creates new ones, in one engine apply', async () => {
    const before = (await api(t.app, 'GET', '/api/services')).json<ServiceDto[]>();
    const cache = before[0]!;
    // An established connection through "cache" must survive the replacement.
    const client = net.connect({ host: '127.0.0.1', port: ports[0]! });
    await once(client, 'connect');
    client.write('before|');
    await eventually(() => echo.accepted > 0);

    const applies: number[] = [];
    const originalApply = t.engine.apply.bind(t.engine);
    t.engine.apply = async (config) => {
      applies.push(config.services.length);
      return originalApply(config);
    };
    const doc = {
      version: 1,
      services: [
        {
          name: 'cache',
          listen: `127.0.0.1:${ports[0]}`,
          strategy: 'least-connections',
          healthCheck: { type: 'none' },
          backends: [{ address: `127.0.0.1:${echo.port}`, weight: 5 }, { address: '127.0.0.1:7003' }],
        },
        { name: 'queue', listen: `127.0.0.1:${ports[2]}` },
      ],
    };
    const res = await put(t.app, doc);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-fulcrum-changes']).toBe('created=1 updated=1 deleted=1 unchanged=0');
    expect(applies).toEqual([2]);

    const after = (await api(t.app, 'GET', '/api/services')).json<ServiceDto[]>();
    expect(after.map((s) => s.name)).toEqual(['cache', 'queue']);
    const kept = after[0]!;
    expect(kept.id).toBe(cache.id);
    expect(kept.version).toBe(cache.version + 1);
    expect(kept.backends[0]).toMatchObject({ id: cache.backends[0]!.id, weight: 5 });
    expect(kept.backends.map((b) => b.address)).toEqual([`127.0.0.1:${echo.port}`, '127.0.0.1:7003']);
    // Omitted fields are defaults, not the previous values.
    expect(after[1]).toMatchObject({ strategy: 'round-robin', retries: 2, healthCheck: { type: 'tcp' }, backends: [] });
    expect(t.engine.config.services.map((s) => s.id)).toEqual(after.map((s) => s.id));
    expect(t.store.readServices()).toEqual(after);

    client.write('after');
    client.end();
    const chunks: Buffer[] = [];
    client.on('data', (c: Buffer) => chunks.push(c));
    await once(client, 'end');
    expect(Buffer.concat(chunks).toString()).toBe('before|after');

    const events = (await api(t.app, 'GET', '/api/events?limit=10')).json<{ events: EventDto[] }>().events;
    const config = events.filter((e) => e.kind !== 'backend-health' && e.kind !== 'backend-drained');
    expect(config.slice(0, 4).map((e) => [e.kind, e.actor])).toEqual([
      ['config-replaced', 'admin'],
      ['service-created', 'admin'],
      ['service-updated', 'admin'],
      ['service-deleted', 'admin'],
    ]);
    expect(config[0]!.details).toEqual({ created: ['queue'], updated: ['cache'], deleted: ['db'] });
  });

  it('hands a listen address from one service to another in one document (sockets are kept per address, not per service)', async () => {
    const doc = JSON.parse(await exportText(t.app, 'json')) as ConfigDocument;
    [doc.services[0]!.listen, doc.services[1]!.listen] = [doc.services[1]!.listen, doc.services[0]!.listen];
    expect((await put(t.app, doc)).statusCode).toBe(200);
    expect(t.engine.config.services.map((s) => s.port)).toEqual([ports[1], ports[0]]);
  });

  it('takes an If-Match with the ETag of the export', async () => {
    const current = await api(t.app, 'GET', '/api/config');
    const doc = current.json<ConfigDocument>();
    doc.services[0]!.retries = 0;
    const ok = await put(t.app, doc, { 'if-match': current.headers.etag as string });
    expect(ok.statusCode).toBe(200);
    const before = await observable(t);
    doc.services[0]!.retries = 1;
    const stale = await put(t.app, doc, { 'if-match': current.headers.etag as string });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<ApiErrorBody>()).toMatchObject({ code: 'VERSION_CONFLICT', field: 'if-match' });
    expect(await observable(t)).toEqual(before);
  });
});

describe('a bad document changes nothing', () => {
  const bad = (mutate: (doc: ConfigDocument) => void) => async () => {
    const doc = JSON.parse(await exportText(t.app, 'json')) as ConfigDocument;
    // Plenty of valid changes around the one bad field.
    doc.services[0]!.retries = 0;
    doc.services[0]!.backends[0]!.weight = 9;
    doc.services.push({ ...structuredClone(doc.services[1]!), name: 'extra', listen: `127.0.0.1:${ports[2]}` });
    mutate(doc);
    return doc;
  };

  it.each([
    ['services[1].backends[0].address', 400, 'INVALID_ADDRESS', (d: ConfigDocument) => (d.services[1]!.backends[0]!.address = '127.0.0.1:99999')],
    ['services[1].backends[1].weight', 400, 'VALIDATION_ERROR', (d: ConfigDocument) => (d.services[1]!.backends[1]!.weight = 1001)],
    ['services[0].strategy', 400, 'UNKNOWN_STRATEGY', (d: ConfigDocument) => ((d.services[0] as { strategy: string }).strategy = 'fastest')],
    ['services[2].healthCheck.httpStatusMin', 400, 'VALIDATION_ERROR', (d: ConfigDocument) => (d.services[2]!.healthCheck.httpStatusMin = 500)],
    ['services[1].strategyOptions.boundedLoadFactor', 400, 'VALIDATION_ERROR', (d: ConfigDocument) => (d.services[1]!.strategyOptions.boundedLoadFactor = 0.5)],
    ['services[2].name', 409, 'DUPLICATE_SERVICE', (d: ConfigDocument) => (d.services[2]!.name = 'cache')],
    ['services[2].listen', 409, 'DUPLICATE_SERVICE', (d: ConfigDocument) => (d.services[2]!.listen = d.services[0]!.listen)],
    ['services[0].backends[1].address', 409, 'DUPLICATE_BACKEND', (d: ConfigDocument) => (d.services[0]!.backends[1]!.address = d.services[0]!.backends[0]!.address)],
    ['services[1].colour', 400, 'VALIDATION_ERROR', (d: ConfigDocument) => Object.assign(d.services[1]!, { colour: 'red' })],
    ['version', 400, 'VALIDATION_ERROR', (d: ConfigDocument) => Object.assign(d, { version: 2 })],
  ])('%s', async (field, status, code, mutate) => {
    const doc = await bad(mutate)();
    const before = await observable(t);
    const eventsBefore = t.store.events.list({ limit: 1000 });
    const res = await put(t.app, doc);
    expect(res.statusCode).toBe(status);
    expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: status, code, field });
    expect(res.json<ApiErrorBody>().message.startsWith(`${field}: `)).toBe(true);
    expect(await observable(t)).toEqual(before);
    expect(t.store.events.list({ limit: 1000 })).toEqual(eventsBefore);
    expect(t.store.db.inTransaction).toBe(false);
  });

  it('an engine refusal names the document entry and rolls everything back', async () => {
    const doc = await bad((d) => (d.services[2]!.listen = '192.0.2.1:6380'))();
    const before = await observable(t);
    const res = await put(t.app, doc);
    expect(res.statusCode).toBe(422);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'ENGINE_REJECTED', field: 'services[2].listen' });
    expect(await observable(t)).toEqual(before);
  });

  it('a listen address taken by another process is 409 naming the entry', async () => {
    const squatter = await startTcpServer(() => {});
    try {
      const doc = await bad((d) => (d.services[2]!.listen = `127.0.0.1:${squatter.port}`))();
      const before = await observable(t);
      const res = await put(t.app, doc);
      expect(res.statusCode).toBe(409);
      expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'ADDRESS_IN_USE', field: 'services[2].listen' });
      expect(await observable(t)).toEqual(before);
    } finally {
      await squatter.close();
    }
  });

  it.each([
    ['a YAML syntax error', 'version: 1\nservices: [\n', /^YAML: /],
    ['duplicate YAML keys', 'version: 1\nversion: 1\nservices: []\n', /^YAML: /],
    ['an unknown YAML tag', 'version: 1\nservices: !evil []\n', /^YAML: /],
    ['a YAML alias bomb', `version: 1\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nservices: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`, /^YAML: /],
    ['a __proto__ key', 'version: 1\n__proto__: { polluted: true }\nservices: []\n', /^__proto__: is not a known field/],
  ])('%s is 400', async (_name, text, message) => {
    const before = await observable(t);
    const res = await put(t.app, text);
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR' });
    expect(res.json<ApiErrorBody>().message).toMatch(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await observable(t)).toEqual(before);
  });

  it('a body over 4 MiB is 413', async () => {
    const res = await put(t.app, JSON.stringify({ version: 1, services: [], pad: 'x'.repeat(4 * 1024 * 1024) }), { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(413);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('other content types are 415', async () => {
    const res = await put(t.app, 'version = 1', { 'content-type': 'application/toml' });
    expect(res.statusCode).toBe(415);
    expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
