// /api/services against a real engine and store: happy paths, and every bad input leaving the
// API view, the database and the engine exactly as they were.
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody, ServiceDto, WithWarnings } from '@fulcrum/shared/api';
import { HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS } from '@fulcrum/engine';
import { toPublicHealthCheck } from '@fulcrum/shared/health-check-secrets';
import type { TestApp } from './helpers.ts';
import { api, freePort, observable, refused, startApp, startTcpServer } from './helpers.ts';

let t: TestApp;
let port: number;
let existing: ServiceDto;

beforeEach(async () => {
  t = await startApp();
  port = await freePort();
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'existing',
    listen: `127.0.0.1:${port}`,
    backends: [{ address: '127.0.0.1:7001' }],
  });
  expect(res.statusCode).toBe(201);
  existing = res.json<ServiceDto>();
});

afterEach(async () => {
  await t.close();
});

describe('creating a service', () => {
  it('applies defaults, persists, and listens for real', async () => {
    const listenPort = await freePort();
    const res = await api(t.app, 'POST', '/api/services', {
      name: 'redis.main',
      listen: `127.0.0.1:${listenPort}`,
      backends: [{ address: '127.0.0.1:7001' }, { address: 'localhost:7002', weight: 5, backup: true }],
    });
    expect(res.statusCode).toBe(201);
    const { warnings, ...body } = res.json<ServiceDto & WithWarnings>();
    // No idle timeout is the default, and the answer says so.
    expect(warnings?.map((w) => [w.code, w.field])).toEqual([['NO_IDLE_TIMEOUT', 'idleTimeoutMs']]);
    expect(res.headers.location).toBe(`/api/services/${body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(body).toMatchObject({
      name: 'redis.main',
      listen: `127.0.0.1:${listenPort}`,
      strategy: SERVICE_DEFAULTS.strategy,
      strategyOptions: {},
      connectTimeoutMs: SERVICE_DEFAULTS.connectTimeoutMs,
      retries: SERVICE_DEFAULTS.retries,
      healthCheck: toPublicHealthCheck(HEALTH_CHECK_DEFAULTS),
      version: 1,
    });
    expect(body.backends).toEqual([
      { id: expect.any(Number), serviceId: body.id, address: '127.0.0.1:7001', weight: 1, state: 'enabled', backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null },
      { id: expect.any(Number), serviceId: body.id, address: 'localhost:7002', weight: 5, state: 'enabled', backup: true, maxConnections: 0, agentCheck: null, proxyProtocol: null },
    ]);

    const engineService = t.engine.config.services.find((s) => s.id === body.id);
    expect(engineService).toMatchObject({ name: 'redis.main', host: '127.0.0.1', port: listenPort });
    expect(engineService?.backends.map((b) => b.id)).toEqual(body.backends.map((b) => b.id));
    expect(t.store.readServices().find((s) => s.id === body.id)).toEqual(body);
    expect(await refused(listenPort)).toBe(false);

    const list = await api(t.app, 'GET', '/api/services');
    expect(list.json<ServiceDto[]>().map((s) => s.name)).toEqual(['existing', 'redis.main']);
    const one = await api(t.app, 'GET', `/api/services/${body.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(body);
  });

  it('404s an unknown service and 400s a malformed id', async () => {
    const missing = await api(t.app, 'GET', '/api/services/999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ApiErrorBody>().code).toBe('NOT_FOUND');
    const bad = await api(t.app, 'GET', '/api/services/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'id' });
  });

  const valid = { name: 'new', listen: '127.0.0.1:1' };
  const cases: [string, Record<string, unknown>, number, string, string | undefined][] = [
    ['a name with spaces', { ...valid, name: 'bad name' }, 400, 'VALIDATION_ERROR', 'name'],
    ['a name too long', { ...valid, name: 'x'.repeat(65) }, 400, 'VALIDATION_ERROR', 'name'],
    ['an empty name', { ...valid, name: '' }, 400, 'VALIDATION_ERROR', 'name'],
    ['no name', { listen: valid.listen }, 400, 'VALIDATION_ERROR', 'name'],
    ['no listen', { name: 'new' }, 400, 'VALIDATION_ERROR', 'listen'],
    ['a listen address without port', { ...valid, listen: 'localhost' }, 400, 'INVALID_ADDRESS', 'listen'],
    ['a listen port out of range', { ...valid, listen: '127.0.0.1:70000' }, 400, 'INVALID_ADDRESS', 'listen'],
    ['listen port 0', { ...valid, listen: '127.0.0.1:0' }, 400, 'INVALID_ADDRESS', 'listen'],
    ['a malformed IPv4 listen', { ...valid, listen: '300.1.1.1:80' }, 400, 'INVALID_ADDRESS', 'listen'],
    ['a listen of the wrong type', { ...valid, listen: 6380 }, 400, 'VALIDATION_ERROR', 'listen'],
    ['an unknown strategy', { ...valid, strategy: 'fastest' }, 400, 'UNKNOWN_STRATEGY', 'strategy'],
    ['connectTimeoutMs 0', { ...valid, connectTimeoutMs: 0 }, 400, 'VALIDATION_ERROR', 'connectTimeoutMs'],
    ['idleTimeoutMs negative', { ...valid, idleTimeoutMs: -1 }, 400, 'VALIDATION_ERROR', 'idleTimeoutMs'],
    ['retries 11', { ...valid, retries: 11 }, 400, 'VALIDATION_ERROR', 'retries'],
    ['drainTimeoutMs too long', { ...valid, drainTimeoutMs: 3_600_001 }, 400, 'VALIDATION_ERROR', 'drainTimeoutMs'],
    ['maxQueue too big', { ...valid, maxQueue: 100_001 }, 400, 'VALIDATION_ERROR', 'maxQueue'],
    ['queueTimeoutMs 0', { ...valid, queueTimeoutMs: 0 }, 400, 'VALIDATION_ERROR', 'queueTimeoutMs'],
    ['a fractional timeout', { ...valid, connectTimeoutMs: 1.5 }, 400, 'VALIDATION_ERROR', 'connectTimeoutMs'],
    ['healthCheck.intervalMs too short', { ...valid, healthCheck: { intervalMs: 50 } }, 400, 'VALIDATION_ERROR', 'healthCheck.intervalMs'],
    ['healthCheck.timeoutMs too short', { ...valid, healthCheck: { timeoutMs: 5 } }, 400, 'VALIDATION_ERROR', 'healthCheck.timeoutMs'],
    ['healthCheck.rise 0', { ...valid, healthCheck: { rise: 0 } }, 400, 'VALIDATION_ERROR', 'healthCheck.rise'],
    ['healthCheck.fall 101', { ...valid, healthCheck: { fall: 101 } }, 400, 'VALIDATION_ERROR', 'healthCheck.fall'],
    ['healthCheck.passiveFailures 101', { ...valid, healthCheck: { passiveFailures: 101 } }, 400, 'VALIDATION_ERROR', 'healthCheck.passiveFailures'],
    ['healthCheck.slowStartMs too long', { ...valid, healthCheck: { slowStartMs: 3_600_001 } }, 400, 'VALIDATION_ERROR', 'healthCheck.slowStartMs'],
    ['an unknown health check type', { ...valid, healthCheck: { type: 'icmp' } }, 400, 'VALIDATION_ERROR', 'healthCheck.type'],
    ['an unknown health check field', { ...valid, healthCheck: { every: 5 } }, 400, 'VALIDATION_ERROR', 'healthCheck.every'],
    ['an inverted HTTP status range', { ...valid, healthCheck: { httpStatusMin: 400, httpStatusMax: 300 } }, 400, 'VALIDATION_ERROR', 'healthCheck.httpStatusMin'],
    ['a broken expect regex', { ...valid, healthCheck: { type: 'send-expect', send: 'PING', expect: '(', expectRegex: true } }, 400, 'VALIDATION_ERROR', 'healthCheck.expect'],
    ['boundedLoadFactor 0.5', { ...valid, strategyOptions: { boundedLoadFactor: 0.5 } }, 400, 'VALIDATION_ERROR', 'strategyOptions.boundedLoadFactor'],
    ['boundedLoadFactor 11', { ...valid, strategyOptions: { boundedLoadFactor: 11 } }, 400, 'VALIDATION_ERROR', 'strategyOptions.boundedLoadFactor'],
    ['an unknown top-level field', { ...valid, colour: 'red' }, 400, 'VALIDATION_ERROR', 'colour'],
    ['a bad backend address', { ...valid, backends: [{ address: 'nope' }] }, 400, 'INVALID_ADDRESS', 'backends[0].address'],
    ['a backend port out of range', { ...valid, backends: [{ address: '127.0.0.1:65536' }] }, 400, 'INVALID_ADDRESS', 'backends[0].address'],
    ['a backend weight above 1000', { ...valid, backends: [{ address: '127.0.0.1:7001' }, { address: '127.0.0.1:7002', weight: 1001 }] }, 400, 'VALIDATION_ERROR', 'backends[1].weight'],
    ['a backend weight as a string', { ...valid, backends: [{ address: '127.0.0.1:7001', weight: '5' }] }, 400, 'VALIDATION_ERROR', 'backends[0].weight'],
    ['a negative maxConnections', { ...valid, backends: [{ address: '127.0.0.1:7001', maxConnections: -1 }] }, 400, 'VALIDATION_ERROR', 'backends[0].maxConnections'],
    ['an unknown backend state', { ...valid, backends: [{ address: '127.0.0.1:7001', state: 'paused' }] }, 400, 'VALIDATION_ERROR', 'backends[0].state'],
    ['the same backend twice', { ...valid, backends: [{ address: '127.0.0.1:7001' }, { address: '127.0.0.1:7001' }] }, 409, 'DUPLICATE_BACKEND', 'backends[1].address'],
    ['a duplicate name', { ...valid, name: 'existing' }, 409, 'DUPLICATE_SERVICE', 'name'],
  ];

  it.each(cases)('rejects %s and changes nothing', async (_label, body, status, code, field) => {
    const before = await observable(t);
    const res = await api(t.app, 'POST', '/api/services', body);
    expect(res.statusCode).toBe(status);
    const error = res.json<ApiErrorBody>();
    expect(error).toMatchObject({ statusCode: status, code });
    expect(error.field).toBe(field);
    expect(error.message).toEqual(expect.any(String));
    expect(await observable(t)).toEqual(before);
  });

  it('rejects a duplicate listen address and changes nothing', async () => {
    const before = await observable(t);
    const res = await api(t.app, 'POST', '/api/services', { name: 'other', listen: existing.listen });
    expect(res.statusCode).toBe(409);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'DUPLICATE_SERVICE', field: 'listen' });
    expect(await observable(t)).toEqual(before);
  });

  it('treats host names case-insensitively: stored in lower case, LOCALHOST duplicates localhost', async () => {
    const listenPort = await freePort();
    const res = await api(t.app, 'POST', '/api/services', {
      name: 'mixed',
      listen: `LocalHost:${listenPort}`,
      healthCheck: { type: 'none' },
      backends: [{ address: 'LOCALHOST:6379' }, { address: '[::FFFF:7F00:1]:6379' }],
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<ServiceDto>();
    expect(body.listen).toBe(`localhost:${listenPort}`);
    expect(body.backends.map((b) => b.address)).toEqual(['localhost:6379', '[::ffff:7f00:1]:6379']);

    const before = await observable(t);
    const sameListen = await api(t.app, 'POST', '/api/services', { name: 'other', listen: `LOCALHOST:${listenPort}` });
    expect(sameListen.statusCode).toBe(409);
    expect(sameListen.json<ApiErrorBody>()).toMatchObject({ code: 'DUPLICATE_SERVICE', field: 'listen' });
    const sameBackend = await api(t.app, 'POST', `/api/services/${body.id}/backends`, { address: 'localhost:6379' });
    expect(sameBackend.statusCode).toBe(409);
    expect(sameBackend.json<ApiErrorBody>()).toMatchObject({ code: 'DUPLICATE_BACKEND', field: 'address' });
    const sameIpv6 = await api(t.app, 'POST', `/api/services/${body.id}/backends`, { address: '[::ffff:7f00:1]:6379' });
    expect(sameIpv6.json<ApiErrorBody>()).toMatchObject({ code: 'DUPLICATE_BACKEND' });
    const listedTwice = await api(t.app, 'POST', '/api/services', {
      name: 'twice',
      listen: `127.0.0.1:${await freePort()}`,
      backends: [{ address: 'localhost:6379' }, { address: 'LOCALHOST:6379' }],
    });
    expect(listedTwice.statusCode).toBe(409);
    expect(listedTwice.json<ApiErrorBody>()).toMatchObject({ code: 'DUPLICATE_BACKEND', field: 'backends[1].address' });
    expect(await observable(t)).toEqual(before);
  });

  it('rejects a listen port held by another process: 409, nothing stored, nothing bound', async () => {
    const blocker = await startTcpServer((socket) => socket.end('blocker\n'));
    try {
      const before = await observable(t);
      const res = await api(t.app, 'POST', '/api/services', {
        name: 'clash',
        listen: `127.0.0.1:${blocker.port}`,
        backends: [{ address: '127.0.0.1:7001' }],
      });
      expect(res.statusCode).toBe(409);
      expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'ADDRESS_IN_USE', field: 'listen' });
      expect(await observable(t)).toEqual(before);
      expect(t.engine.stats().services.map((s) => s.name)).toEqual(['existing']);
      // The port still belongs to the other process.
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(blocker.port, '127.0.0.1');
        let text = '';
        socket.on('data', (d) => (text += String(d)));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(reply).toBe('blocker\n');
      // And the failed name is free to use once the address is.
      const retry = await api(t.app, 'POST', '/api/services', { name: 'clash', listen: `127.0.0.1:${await freePort()}` });
      expect(retry.statusCode).toBe(201);
    } finally {
      await blocker.close();
    }
  });

  it('rejects invalid JSON, an empty body and an oversized body', async () => {
    const before = await observable(t);
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/services',
      headers: { authorization: 'Bearer test-token-0123456789abcdef', 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json<ApiErrorBody>().code).toBe('VALIDATION_ERROR');

    const empty = await t.app.inject({
      method: 'POST',
      url: '/api/services',
      headers: { authorization: 'Bearer test-token-0123456789abcdef', 'content-type': 'application/json' },
      payload: '',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<ApiErrorBody>().code).toBe('VALIDATION_ERROR');

    const huge = await api(t.app, 'POST', '/api/services', { name: 'big', listen: '127.0.0.1:1', pad: 'x'.repeat(70_000) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json<ApiErrorBody>().code).toBe('PAYLOAD_TOO_LARGE');
    expect(await observable(t)).toEqual(before);
  });
});

describe('updating a service', () => {
  it('changes fields, merges the health check, bumps the version and reaches the engine', async () => {
    const res = await api(t.app, 'PATCH', `/api/services/${existing.id}`, {
      strategy: 'least-connections',
      healthCheck: { intervalMs: 5000 },
      retries: 0,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<ServiceDto>();
    expect(res.headers.etag).toBe('"2"');
    expect(body).toMatchObject({ strategy: 'least-connections', retries: 0, version: 2 });
    expect(body.healthCheck).toEqual({ ...toPublicHealthCheck(HEALTH_CHECK_DEFAULTS), intervalMs: 5000 });
    expect(body.backends).toEqual(existing.backends);
    const engineService = t.engine.config.services[0];
    expect(engineService).toMatchObject({ strategy: 'least-connections', retries: 0 });
    expect(engineService?.healthCheck.intervalMs).toBe(5000);
    expect(t.store.readServices()[0]).toEqual(body);
  });

  it('leaves the version alone when nothing changes', async () => {
    const res = await api(t.app, 'PATCH', `/api/services/${existing.id}`, { strategy: existing.strategy });
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceDto>().version).toBe(1);
  });

  it('enforces If-Match and body versions', async () => {
    const stale = await api(t.app, 'PATCH', `/api/services/${existing.id}`, { retries: 1 }, { 'if-match': '"7"' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<ApiErrorBody>()).toMatchObject({ code: 'VERSION_CONFLICT', field: 'version' });

    const staleBody = await api(t.app, 'PATCH', `/api/services/${existing.id}`, { retries: 1, version: 9 });
    expect(staleBody.statusCode).toBe(409);
    expect(staleBody.json<ApiErrorBody>().code).toBe('VERSION_CONFLICT');

    const garbage = await api(t.app, 'PATCH', `/api/services/${existing.id}`, { retries: 1 }, { 'if-match': 'soon' });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json<ApiErrorBody>().field).toBe('if-match');
    // Past the header schema's 64 characters: the same answer, from the schema.
    const long = await api(t.app, 'PATCH', `/api/services/${existing.id}`, { retries: 1 }, { 'if-match': `"${'1'.repeat(70)}"` });
    expect(long.statusCode).toBe(400);
    expect(long.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'if-match', message: 'if-match: must be a service version, e.g. "3"' });
    expect((await api(t.app, 'GET', `/api/services/${existing.id}`)).json<ServiceDto>().version).toBe(1);

    const ok = await api(t.app, 'PATCH', `/api/services/${existing.id}`, { retries: 1 }, { 'if-match': 'W/"1"' });
    expect(ok.statusCode).toBe(200);
    const second = await api(t.app, 'PATCH', `/api/services/${existing.id}`, { retries: 2, version: 2 });
    expect(second.statusCode).toBe(200);
    expect(second.json<ServiceDto>().version).toBe(3);
    // The first writer's version is now stale.
    const lost = await api(t.app, 'PATCH', `/api/services/${existing.id}`, { retries: 3 }, { 'if-match': '"1"' });
    expect(lost.statusCode).toBe(409);
  });

  it('moves the listener to a new port', async () => {
    const newPort = await freePort();
    const res = await api(t.app, 'PATCH', `/api/services/${existing.id}`, { listen: `127.0.0.1:${newPort}` });
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceDto>().listen).toBe(`127.0.0.1:${newPort}`);
    expect(await refused(newPort)).toBe(false);
    expect(await refused(port)).toBe(true);
  });

  it('rejects a move to a port in use and keeps the old listener', async () => {
    const blocker = await startTcpServer((socket) => socket.end());
    try {
      const before = await observable(t);
      const res = await api(t.app, 'PATCH', `/api/services/${existing.id}`, { listen: `127.0.0.1:${blocker.port}`, retries: 0 });
      expect(res.statusCode).toBe(409);
      expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'ADDRESS_IN_USE', field: 'listen' });
      expect(await observable(t)).toEqual(before);
      expect(await refused(port)).toBe(false);
    } finally {
      await blocker.close();
    }
  });

  it.each([
    [{ listen: '127.0.0.1:99999' }, 400, 'INVALID_ADDRESS', 'listen'],
    [{ strategy: 'nope' }, 400, 'UNKNOWN_STRATEGY', 'strategy'],
    [{ healthCheck: { rise: 0 } }, 400, 'VALIDATION_ERROR', 'healthCheck.rise'],
    [{ backends: [{ address: '127.0.0.1:1', weight: -1 }] }, 400, 'VALIDATION_ERROR', 'backends[0].weight'],
    [{ id: 5 }, 400, 'VALIDATION_ERROR', 'id'],
  ] as const)('rejects %j and changes nothing', async (body, status, code, field) => {
    const before = await observable(t);
    const res = await api(t.app, 'PATCH', `/api/services/${existing.id}`, body);
    expect(res.statusCode).toBe(status);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code, field });
    expect(await observable(t)).toEqual(before);
  });

  it('renaming onto another service is a conflict', async () => {
    await api(t.app, 'POST', '/api/services', { name: 'second', listen: `127.0.0.1:${await freePort()}` });
    const before = await observable(t);
    const res = await api(t.app, 'PATCH', `/api/services/${existing.id}`, { name: 'second' });
    expect(res.statusCode).toBe(409);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'DUPLICATE_SERVICE', field: 'name' });
    expect(await observable(t)).toEqual(before);
  });

  it('replaces the backend list, keeping ids of addresses that stay', async () => {
    const kept = existing.backends[0]!;
    const res = await api(t.app, 'PATCH', `/api/services/${existing.id}`, {
      backends: [{ address: kept.address, weight: 3 }, { address: '127.0.0.1:7009' }],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<ServiceDto>();
    expect(body.version).toBe(2);
    expect(body.backends).toHaveLength(2);
    expect(body.backends[0]).toMatchObject({ id: kept.id, address: kept.address, weight: 3 });
    expect(body.backends[1]).toMatchObject({ address: '127.0.0.1:7009', weight: 1 });
    expect(t.engine.config.services[0]?.backends.map((b) => [b.id, b.port, b.weight])).toEqual([
      [kept.id, 7001, 3],
      [body.backends[1]!.id, 7009, 1],
    ]);
  });
});

describe('deleting a service', () => {
  it('removes it from the store and the engine and stops listening', async () => {
    const res = await api(t.app, 'DELETE', `/api/services/${existing.id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await api(t.app, 'GET', '/api/services')).json()).toEqual([]);
    expect(t.store.readServices()).toEqual([]);
    expect(t.engine.config.services).toEqual([]);
    expect(await refused(port)).toBe(true);
    const again = await api(t.app, 'DELETE', `/api/services/${existing.id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json<ApiErrorBody>().code).toBe('NOT_FOUND');
  });

  it('honours If-Match', async () => {
    const before = await observable(t);
    const stale = await api(t.app, 'DELETE', `/api/services/${existing.id}`, undefined, { 'if-match': '"2"' });
    expect(stale.statusCode).toBe(409);
    expect(await observable(t)).toEqual(before);
    const ok = await api(t.app, 'DELETE', `/api/services/${existing.id}`, undefined, { 'if-match': '"1"' });
    expect(ok.statusCode).toBe(204);
  });

  it('honours {"version": N} in the body like If-Match, and refuses a malformed body', async () => {
    const before = await observable(t);
    const stale = await api(t.app, 'DELETE', `/api/services/${existing.id}`, { version: 2 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<ApiErrorBody>()).toMatchObject({ code: 'VERSION_CONFLICT', field: 'version' });
    for (const [body, field] of [[{ version: '1' }, 'version'], [{ version: 0 }, 'version'], [{ version: 1, force: true }, 'force']] as const) {
      const res = await api(t.app, 'DELETE', `/api/services/${existing.id}`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field });
    }
    // Both given: both must hold.
    expect((await api(t.app, 'DELETE', `/api/services/${existing.id}`, { version: 1 }, { 'if-match': '"2"' })).statusCode).toBe(409);
    expect(await observable(t)).toEqual(before);
    const ok = await api(t.app, 'DELETE', `/api/services/${existing.id}`, { version: 1 });
    expect(ok.statusCode).toBe(204);
  });

  it('accepts a DELETE sent with a JSON content type and no body', async () => {
    const res = await api(t.app, 'DELETE', `/api/services/${existing.id}`, undefined, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(204);
  });
});
