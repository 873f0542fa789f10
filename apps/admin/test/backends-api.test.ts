// /api/services/:id/backends against a real engine and store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody, BackendDto, ServiceDto } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { api, freePort, observable, startApp } from './helpers.ts';

let t: TestApp;
let service: ServiceDto;
let first: BackendDto;

beforeEach(async () => {
  t = await startApp();
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'db',
    listen: `127.0.0.1:${await freePort()}`,
    backends: [{ address: '127.0.0.1:7001' }],
  });
  service = res.json<ServiceDto>();
  first = service.backends[0]!;
});

afterEach(async () => {
  await t.close();
});

const engineBackends = () => t.engine.config.services[0]?.backends ?? [];

describe('adding a backend', () => {
  it('creates it with defaults, bumps the service version and reaches the engine', async () => {
    const res = await api(t.app, 'POST', `/api/services/${service.id}/backends`, { address: '127.0.0.1:7002' });
    expect(res.statusCode).toBe(201);
    const body = res.json<BackendDto>();
    expect(body).toEqual({ id: expect.any(Number), serviceId: service.id, address: '127.0.0.1:7002', weight: 1, state: 'enabled', backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null });
    expect(res.headers.location).toBe(`/api/services/${service.id}/backends/${body.id}`);
    expect(res.headers.etag).toBe('"2"');
    const after = (await api(t.app, 'GET', `/api/services/${service.id}`)).json<ServiceDto>();
    expect(after.version).toBe(2);
    expect(after.backends.map((b) => b.address)).toEqual(['127.0.0.1:7001', '127.0.0.1:7002']);
    expect(engineBackends().map((b) => b.id)).toEqual([first.id, body.id]);
  });

  it('accepts every option', async () => {
    const res = await api(t.app, 'POST', `/api/services/${service.id}/backends`, {
      address: '[::1]:7003',
      weight: 0,
      backup: true,
      maxConnections: 1_000_000,
      state: 'disabled',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json<BackendDto>()).toMatchObject({ address: '[::1]:7003', weight: 0, backup: true, maxConnections: 1_000_000, state: 'disabled' });
    expect(engineBackends()[1]).toMatchObject({ host: '::1', port: 7003, state: 'disabled', backup: true });
  });

  it.each([
    [{ address: '127.0.0.1:7001' }, 409, 'DUPLICATE_BACKEND', 'address'],
    [{ address: '127.0.0.1:0' }, 400, 'INVALID_ADDRESS', 'address'],
    [{ address: '127.0.0.1:65536' }, 400, 'INVALID_ADDRESS', 'address'],
    [{ address: 'bad host:1' }, 400, 'INVALID_ADDRESS', 'address'],
    // Spaces around an address are refused, not trimmed (this one would otherwise name 127.0.0.1:7002).
    [{ address: ' 127.0.0.1:7002' }, 400, 'INVALID_ADDRESS', 'address'],
    [{ address: '127.0.0.1:7002 ' }, 400, 'INVALID_ADDRESS', 'address'],
    [{}, 400, 'VALIDATION_ERROR', 'address'],
    [{ address: '127.0.0.1:7002', weight: 1001 }, 400, 'VALIDATION_ERROR', 'weight'],
    [{ address: '127.0.0.1:7002', weight: -1 }, 400, 'VALIDATION_ERROR', 'weight'],
    [{ address: '127.0.0.1:7002', weight: 2.5 }, 400, 'VALIDATION_ERROR', 'weight'],
    [{ address: '127.0.0.1:7002', maxConnections: 1_000_001 }, 400, 'VALIDATION_ERROR', 'maxConnections'],
    [{ address: '127.0.0.1:7002', state: 'up' }, 400, 'VALIDATION_ERROR', 'state'],
    [{ address: '127.0.0.1:7002', backup: 'yes' }, 400, 'VALIDATION_ERROR', 'backup'],
    [{ address: '127.0.0.1:7002', health: 'up' }, 400, 'VALIDATION_ERROR', 'health'],
  ] as const)('rejects %j and changes nothing', async (body, status, code, field) => {
    const before = await observable(t);
    const res = await api(t.app, 'POST', `/api/services/${service.id}/backends`, body);
    expect(res.statusCode).toBe(status);
    expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: status, code, field });
    expect(await observable(t)).toEqual(before);
  });

  it('404s for an unknown service', async () => {
    const res = await api(t.app, 'POST', '/api/services/999/backends', { address: '127.0.0.1:7002' });
    expect(res.statusCode).toBe(404);
    expect(res.json<ApiErrorBody>().code).toBe('NOT_FOUND');
  });
});

describe('changing a backend', () => {
  it('updates weight, state, backup and maxConnections', async () => {
    const url = `/api/services/${service.id}/backends/${first.id}`;
    const res = await api(t.app, 'PATCH', url, { weight: 7, state: 'draining', backup: true, maxConnections: 10 });
    expect(res.statusCode).toBe(200);
    expect(res.json<BackendDto>()).toEqual({ ...first, weight: 7, state: 'draining', backup: true, maxConnections: 10 });
    expect(engineBackends()[0]).toMatchObject({ id: first.id, weight: 7, state: 'draining', backup: true, maxConnections: 10 });
    expect((await api(t.app, 'GET', `/api/services/${service.id}`)).json<ServiceDto>().version).toBe(2);
  });

  it('changes the address, refusing one the service already has', async () => {
    await api(t.app, 'POST', `/api/services/${service.id}/backends`, { address: '127.0.0.1:7002' });
    const url = `/api/services/${service.id}/backends/${first.id}`;
    const before = await observable(t);
    const clash = await api(t.app, 'PATCH', url, { address: '127.0.0.1:7002' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json<ApiErrorBody>()).toMatchObject({ code: 'DUPLICATE_BACKEND', field: 'address' });
    expect(await observable(t)).toEqual(before);

    const moved = await api(t.app, 'PATCH', url, { address: 'localhost:7005' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json<BackendDto>()).toMatchObject({ id: first.id, address: 'localhost:7005' });
    expect(engineBackends()[0]).toMatchObject({ host: 'localhost', port: 7005 });
  });

  it.each([
    [{ weight: 1001 }, 400, 'VALIDATION_ERROR', 'weight'],
    [{ state: 'gone' }, 400, 'VALIDATION_ERROR', 'state'],
    [{ address: 'x' }, 400, 'INVALID_ADDRESS', 'address'],
    [{ weight: 2, version: 5 }, 409, 'VERSION_CONFLICT', 'version'],
  ] as const)('rejects %j and changes nothing', async (body, status, code, field) => {
    const before = await observable(t);
    const res = await api(t.app, 'PATCH', `/api/services/${service.id}/backends/${first.id}`, body);
    expect(res.statusCode).toBe(status);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code, field });
    expect(await observable(t)).toEqual(before);
  });

  it('404s for a backend of another service', async () => {
    const other = (
      await api(t.app, 'POST', '/api/services', {
        name: 'other',
        listen: `127.0.0.1:${await freePort()}`,
        backends: [{ address: '127.0.0.1:7001' }],
      })
    ).json<ServiceDto>();
    const res = await api(t.app, 'PATCH', `/api/services/${service.id}/backends/${other.backends[0]!.id}`, { weight: 2 });
    expect(res.statusCode).toBe(404);
    expect(res.json<ApiErrorBody>().code).toBe('NOT_FOUND');
  });
});

describe('removing a backend', () => {
  it('deletes it from the store and the engine config', async () => {
    const res = await api(t.app, 'DELETE', `/api/services/${service.id}/backends/${first.id}`);
    expect(res.statusCode).toBe(204);
    expect((await api(t.app, 'GET', `/api/services/${service.id}`)).json<ServiceDto>()).toMatchObject({ version: 2, backends: [] });
    expect(engineBackends()).toEqual([]);
    const again = await api(t.app, 'DELETE', `/api/services/${service.id}/backends/${first.id}`);
    expect(again.statusCode).toBe(404);
  });

  it('honours If-Match', async () => {
    const before = await observable(t);
    const stale = await api(t.app, 'DELETE', `/api/services/${service.id}/backends/${first.id}`, undefined, { 'if-match': '"3"' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<ApiErrorBody>().code).toBe('VERSION_CONFLICT');
    expect(await observable(t)).toEqual(before);
  });

  it('honours {"version": N} in the body like If-Match', async () => {
    const before = await observable(t);
    const stale = await api(t.app, 'DELETE', `/api/services/${service.id}/backends/${first.id}`, { version: 3 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<ApiErrorBody>()).toMatchObject({ code: 'VERSION_CONFLICT', field: 'version' });
    const malformed = await api(t.app, 'DELETE', `/api/services/${service.id}/backends/${first.id}`, { version: 'latest' });
    expect(malformed.json<ApiErrorBody>()).toMatchObject({ statusCode: 400, field: 'version' });
    expect(await observable(t)).toEqual(before);
    expect((await api(t.app, 'DELETE', `/api/services/${service.id}/backends/${first.id}`, { version: 1 })).statusCode).toBe(204);
  });
});
