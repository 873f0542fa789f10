// After a restart the engine runs exactly the persisted configuration (the store wins).
import { afterEach, expect, it } from 'vitest';
import type { ApiErrorBody, ServiceDto } from '@fulcrum/shared/api';
import { ApiError } from '../src/http/api-error.ts';
import type { TcpServer } from './helpers.ts';
import { TOKEN, api, freePort, refused, startApp, startEchoServer, startTcpServer, tcpRoundTrip, tempDir } from './helpers.ts';
import { hashToken } from '../src/auth/tokens.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

it('comes back with the same services, backends, versions and ids, and proxies again', async () => {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  const echo: TcpServer = await startEchoServer();
  cleanup.push(() => echo.close());

  const first = await startApp({ dir });
  const listenPort = await freePort();
  const created = (
    await api(first.app, 'POST', '/api/services', {
      name: 'keep',
      listen: `127.0.0.1:${listenPort}`,
      strategy: 'least-connections',
      healthCheck: { type: 'none', rise: 4 },
      backends: [{ address: `127.0.0.1:${echo.port}`, weight: 3 }, { address: '127.0.0.1:7002', state: 'disabled' }],
    })
  ).json<ServiceDto>();
  await api(first.app, 'PATCH', `/api/services/${created.id}`, { retries: 0, connectTimeoutMs: 1500 });
  const gone = (await api(first.app, 'POST', '/api/services', { name: 'gone', listen: `127.0.0.1:${await freePort()}` })).json<ServiceDto>();
  await api(first.app, 'DELETE', `/api/services/${gone.id}`);
  const before = (await api(first.app, 'GET', '/api/services')).json<ServiceDto[]>();
  const engineBefore = structuredClone(first.engine.config);
  const eventsBefore = (await api(first.app, 'GET', '/api/events')).json();
  await first.close({ keepDir: true });
  expect(await refused(listenPort)).toBe(true);

  const second = await startApp({ dir });
  cleanup.push(() => second.close({ keepDir: true }));
  expect((await api(second.app, 'GET', '/api/services')).json()).toEqual(before);
  expect(second.engine.config).toEqual(engineBefore);
  expect((await api(second.app, 'GET', '/api/events')).json()).toEqual(eventsBefore);
  expect((await tcpRoundTrip(listenPort, 'after restart')).toString()).toBe('after restart');

  // Ids are never reused, so the engine can never confuse a new service with a draining old one.
  const next = (await api(second.app, 'POST', '/api/services', { name: 'new', listen: `127.0.0.1:${await freePort()}` })).json<ServiceDto>();
  expect(next.id).toBeGreaterThan(gone.id);
});

it('refuses to start when a stored listen address is taken, naming it', async () => {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  const first = await startApp({ dir });
  const listenPort = await freePort();
  expect((await api(first.app, 'POST', '/api/services', { name: 'a', listen: `127.0.0.1:${listenPort}` })).statusCode).toBe(201);
  await first.close({ keepDir: true });

  const squatter = await startTcpServer(() => {}, listenPort);
  cleanup.push(() => squatter.close());
  const error = await startApp({ dir }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).code).toBe('ADDRESS_IN_USE');
  expect((error as ApiError).message).toContain(String(listenPort));
});

it('keeps the admin token hash across restarts and replaces it when the given token changes', async () => {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  const first = await startApp({ dir });
  await first.close({ keepDir: true });
  const second = await startApp({ dir, adminToken: 'rotated-token-value-123' });
  cleanup.push(() => second.close({ keepDir: true }));
  const old = await api(second.app, 'GET', '/api/services');
  expect(old.statusCode).toBe(401);
  expect(old.json<ApiErrorBody>().code).toBe('UNAUTHORIZED');
  const fresh = await second.app.inject({ method: 'GET', url: '/api/services', headers: { authorization: 'Bearer rotated-token-value-123' } });
  expect(fresh.statusCode).toBe(200);
});

it('keeps browser sessions across a restart, except those of a token revoked meanwhile', async () => {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  const first = await startApp({ dir });
  const login = async (app: typeof first.app, token: string): Promise<string> => {
    const res = await app.inject({ method: 'POST', url: '/api/login', payload: { token } });
    expect(res.statusCode).toBe(204);
    return res.cookies.find((c) => c.name === 'fulcrum_session')!.value;
  };
  const admin = await login(first.app, TOKEN);
  const ops = (await api(first.app, 'POST', '/api/tokens', { name: 'ops' })).json<{ id: number; token: string }>();
  const opsSession = await login(first.app, ops.token);
  // Only hashes are stored: the database does not hold a usable cookie.
  const stored = first.store.db.prepare<[], { id: string }>('SELECT id FROM sessions').all().map((r) => r.id);
  expect(stored.sort()).toEqual([hashToken(admin), hashToken(opsSession)].sort());
  await first.close({ keepDir: true });

  const second = await startApp({ dir });
  const whoAmI = (app: typeof first.app, session: string) =>
    app.inject({ method: 'GET', url: '/api/session', headers: { cookie: `fulcrum_session=${session}` } });
  expect((await whoAmI(second.app, admin)).json()).toEqual({ actor: 'admin' });
  expect((await whoAmI(second.app, opsSession)).json()).toEqual({ actor: 'ops' });
  expect((await api(second.app, 'DELETE', `/api/tokens/${ops.id}`)).statusCode).toBe(204);
  expect((await whoAmI(second.app, opsSession)).statusCode).toBe(401);
  // `fulcrum token revoke` writes the store directly: its sessions go in the same transaction.
  second.store.tokens.revoke('admin');
  expect(second.store.sessions.count()).toBe(0);
  await second.close({ keepDir: true });

  const third = await startApp({ dir });
  cleanup.push(() => third.close({ keepDir: true }));
  expect((await whoAmI(third.app, opsSession)).statusCode).toBe(401);
  expect((await whoAmI(third.app, admin)).statusCode).toBe(401);
});
