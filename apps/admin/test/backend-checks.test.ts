// Backend addresses judged against their service: a self-loop is refused everywhere a backend or a
// listen address can change; another spelling of an existing backend, a host name that does not
// resolve and a service without idle timeout are accepted with a warning in the answer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody, ApiWarning, BackendDto, ConfigDocument, ServiceDto, WithWarnings } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { api, freePort, startApp, untouched } from './helpers.ts';

let t: TestApp;
let port: number;
let service: ServiceDto;

beforeEach(async () => {
  t = await startApp();
  port = await freePort();
  // No health checks: nothing here should be probed (nowhere.invalid would be looked up every interval).
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'redis',
    listen: `127.0.0.1:${port}`,
    idleTimeoutMs: 60_000,
    healthCheck: { type: 'none' },
    backends: [{ address: '127.0.0.1:7101' }],
  });
  expect(res.statusCode, res.body).toBe(201);
  service = res.json<ServiceDto>();
});

afterEach(async () => {
  await t.close();
});

/** Expects a refusal with `code` naming `field`, and that nothing changed. */
async function expectRefused(request: () => Promise<{ statusCode: number; body: string }>, code: string, field: string): Promise<ApiErrorBody> {
  const before = untouched(t);
  const res = await request();
  expect(res.statusCode, res.body).toBe(400);
  const error = JSON.parse(res.body) as ApiErrorBody;
  expect(error).toMatchObject({ statusCode: 400, code, field });
  expect(untouched(t)).toEqual(before);
  return error;
}

const warningsOf = (res: { json<T>(): T }): ApiWarning[] | undefined => res.json<WithWarnings>().warnings;

describe('a backend that is the service itself', () => {
  it('is refused when adding it, under any spelling that reaches the listener', async () => {
    for (const address of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::ffff:127.0.0.1]:${port}`, `0.0.0.0:${port}`]) {
      const error = await expectRefused(() => api(t.app, 'POST', `/api/services/${service.id}/backends`, { address }), 'SELF_LOOP', 'address');
      expect(error.message).toMatch(new RegExp(`^address: .+ is this service's own listen address \\(127\\.0\\.0\\.1:${port}\\): every connection would loop back into Fulcrum$`));
    }
  });

  it('is not confused with the same port on another address or another port on the same address', async () => {
    for (const address of [`127.0.0.2:${port}`, `127.0.0.1:${port + 1}`]) {
      const res = await api(t.app, 'POST', `/api/services/${service.id}/backends`, { address });
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  it('is refused when creating a service, changing a backend address, the backend list or the listen address', async () => {
    const other = await freePort();
    await expectRefused(
      () => api(t.app, 'POST', '/api/services', { name: 'loop', listen: `127.0.0.1:${other}`, backends: [{ address: '127.0.0.1:7102' }, { address: `localhost:${other}` }] }),
      'SELF_LOOP',
      'backends[1].address',
    );
    const backendId = service.backends[0]!.id;
    await expectRefused(() => api(t.app, 'PATCH', `/api/services/${service.id}/backends/${backendId}`, { address: `127.0.0.1:${port}` }), 'SELF_LOOP', 'address');
    await expectRefused(
      () => api(t.app, 'PATCH', `/api/services/${service.id}`, { backends: [{ address: '127.0.0.1:7101' }, { address: `127.0.0.1:${port}` }] }),
      'SELF_LOOP',
      'backends[1].address',
    );
    const error = await expectRefused(() => api(t.app, 'PATCH', `/api/services/${service.id}`, { listen: '127.0.0.1:7101' }), 'SELF_LOOP', 'listen');
    expect(error.message).toBe("listen: listening on 127.0.0.1:7101 would make backend 127.0.0.1:7101 this service's own listener: every connection would loop back into Fulcrum");
  });

  it('is refused in a configuration import, naming the entry', async () => {
    const doc: ConfigDocument = (await api(t.app, 'GET', '/api/config')).json<ConfigDocument>();
    doc.services[0]!.backends.push({ address: `localhost:${port}`, weight: 1, state: 'enabled', backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null });
    await expectRefused(() => api(t.app, 'PUT', '/api/config', doc), 'SELF_LOOP', 'services[0].backends[1].address');
  });
});

describe('warnings', () => {
  it('another spelling of an existing backend is added with SAME_ENDPOINT', async () => {
    // IPv6 loopback is another endpoint than IPv4 loopback: no warning.
    const v6 = await api(t.app, 'POST', `/api/services/${service.id}/backends`, { address: '[::1]:7101' });
    expect(v6.statusCode).toBe(201);
    expect(warningsOf(v6)).toBeUndefined();
    // localhost is both.
    const res = await api(t.app, 'POST', `/api/services/${service.id}/backends`, { address: 'localhost:7101' });
    expect(res.statusCode).toBe(201);
    expect(res.json<BackendDto>().address).toBe('localhost:7101');
    expect(warningsOf(res)).toEqual([
      {
        code: 'SAME_ENDPOINT',
        field: 'address',
        message: 'address: localhost:7101 is the same endpoint as backend 127.0.0.1:7101 (both reach 127.0.0.1:7101); it gets connections from both entries',
      },
    ]);
    // Reads never carry warnings.
    expect((await api(t.app, 'GET', `/api/services/${service.id}`)).json<WithWarnings>().warnings).toBeUndefined();
  });

  it('a host name that does not resolve is added with UNRESOLVED_HOST', async () => {
    const res = await api(t.app, 'POST', `/api/services/${service.id}/backends`, { address: 'nowhere.invalid:6379' });
    expect(res.statusCode, res.body).toBe(201);
    const [warning, ...rest] = warningsOf(res) ?? [];
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ code: 'UNRESOLVED_HOST', field: 'address' });
    expect(warning!.message).toMatch(/^address: host "nowhere\.invalid" does not resolve \(.+\); the backend is kept, but connections to it fail until the name resolves$/);
    expect(t.engine.config.services[0]!.backends.map((b) => b.host)).toContain('nowhere.invalid');
  });

  it('a service created without idle timeout gets NO_IDLE_TIMEOUT; one with a timeout gets no warnings', async () => {
    const bare = await api(t.app, 'POST', '/api/services', { name: 'pg', listen: `127.0.0.1:${await freePort()}` });
    expect(bare.statusCode).toBe(201);
    expect(warningsOf(bare)).toEqual([expect.objectContaining({ code: 'NO_IDLE_TIMEOUT', field: 'idleTimeoutMs' })]);
    expect(warningsOf(bare)![0]!.message).toMatch(/long-lived database and Redis connections/);
    const timed = await api(t.app, 'POST', '/api/services', { name: 'web', listen: `127.0.0.1:${await freePort()}`, idleTimeoutMs: 30_000 });
    expect(timed.statusCode).toBe(201);
    expect(warningsOf(timed)).toBeUndefined();
  });

  it('a configuration import answers its warnings with document paths, and the answer can be imported as it is', async () => {
    const doc = (await api(t.app, 'GET', '/api/config')).json<ConfigDocument>();
    const created = { name: 'cache', listen: `127.0.0.1:${await freePort()}`, backends: [{ address: '127.0.0.1:7201' }, { address: 'localhost:7201' }] };
    const res = await api(t.app, 'PUT', '/api/config', { ...doc, services: [...doc.services, created] });
    expect(res.statusCode, res.body).toBe(200);
    const answer = res.json<ConfigDocument & WithWarnings>();
    expect(answer.warnings?.map((w) => [w.code, w.field])).toEqual([
      ['SAME_ENDPOINT', 'services[1].backends[1].address'],
      ['NO_IDLE_TIMEOUT', 'services[1].idleTimeoutMs'],
    ]);
    expect(answer.warnings![0]!.message).toMatch(/^services\[1\]\.backends\[1\]\.address: localhost:7201 is the same endpoint/);
    const again = await api(t.app, 'PUT', '/api/config', answer);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers['x-fulcrum-changes']).toBe('created=0 updated=0 deleted=0 unchanged=2');
    expect(warningsOf(again)?.map((w) => w.code)).toEqual(['SAME_ENDPOINT']);
  });
});
