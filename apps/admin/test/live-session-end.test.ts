// A live WebSocket ends with the credential it was opened with: logout (in any tab), token
// revocation (API or `fulcrum token revoke`) and session expiry close it at once with a documented
// code — 4401 for a browser session, 1008 for a token. Real admin, real ws clients.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreatedTokenDto } from '@fulcrum/shared/api';
import { LIVE_CLOSE_CODES } from '@fulcrum/shared/live-protocol';
import type { TestApp } from './helpers.ts';
import { TOKEN, api, eventually, startApp } from './helpers.ts';
import type { BuildAppOptions } from '../src/app.ts';

/** A check period no test outlives: what closes a socket in these tests is the request itself. */
const NO_CHECK = { liveAuthCheckMs: 3_600_000 };

let t: TestApp | undefined;
let base = '';
let origin = '';
const open: WebSocket[] = [];

async function start(opts: Partial<BuildAppOptions> = {}): Promise<TestApp> {
  t = await startApp(opts);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const host = `127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  base = `ws://${host}`;
  origin = `http://${host}`;
  return t;
}

afterEach(async () => {
  for (const ws of open) ws.terminate();
  open.length = 0;
  await t?.close();
  t = undefined;
});

async function login(app: TestApp, token = TOKEN): Promise<string> {
  const res = await app.app.inject({ method: 'POST', url: '/api/login', payload: { token } });
  expect(res.statusCode).toBe(204);
  return `fulcrum_session=${res.cookies.find((c) => c.name === 'fulcrum_session')!.value}`;
}

interface Live {
  ws: WebSocket;
  /** The close code once it closed, else undefined. */
  code: number | undefined;
  closed: Promise<number>;
}

/** Opens /api/live (with a cookie: from our origin, as a browser would) and waits for `hello`. */
async function live(headers: Record<string, string>, query = ''): Promise<Live> {
  const ws = new WebSocket(`${base}/api/live${query}`, { headers: headers.cookie ? { origin, ...headers } : headers });
  open.push(ws);
  const client: Live = {
    ws,
    code: undefined,
    closed: once(ws, 'close').then(([code]) => {
      client.code = code as number;
      return client.code;
    }),
  };
  const [data] = (await once(ws, 'message')) as [Buffer];
  expect(JSON.parse(String(data))).toMatchObject({ type: 'hello' });
  return client;
}

/** The HTTP status of a refused upgrade (101 if it opened). */
function upgradeStatus(headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(`${base}/api/live`, { headers: { origin, ...headers } });
  open.push(ws);
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => {});
  });
}

/** Proves `client` is still open and served: a config change reaches it after the close. */
async function stillStreaming(app: TestApp, client: Live): Promise<void> {
  const next = once(client.ws, 'message');
  expect((await api(app.app, 'POST', '/api/tokens', { name: `probe-${Math.random().toString(36).slice(2, 8)}` })).statusCode).toBe(201);
  await next;
  expect(client.code).toBeUndefined();
  expect(client.ws.readyState).toBe(WebSocket.OPEN);
}

describe('logout', () => {
  it('closes every WebSocket of that session at once with 4401, and only those', async () => {
    const app = await start(NO_CHECK);
    const cookie = await login(app);
    const tabs = [await live({ cookie }), await live({ cookie }), await live({ cookie })];
    const otherSession = await live({ cookie: await login(app) });
    const tokenClient = await live({ authorization: `Bearer ${TOKEN}` });

    const res = await app.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } });
    expect(res.statusCode).toBe(204);
    // "At once": closed by the logout itself (the periodic check is off here).
    expect(await Promise.all(tabs.map((tab) => tab.closed))).toEqual([4401, 4401, 4401]);
    expect(LIVE_CLOSE_CODES.sessionEnded).toBe(4401);

    await stillStreaming(app, otherSession);
    await stillStreaming(app, tokenClient);
    // The ended session cannot open a new one.
    expect(await upgradeStatus({ cookie })).toBe(401);
  });

  it('logging in again in the same browser ends the previous session and its sockets', async () => {
    const app = await start(NO_CHECK);
    const cookie = await login(app);
    const tab = await live({ cookie });
    const res = await app.app.inject({ method: 'POST', url: '/api/login', headers: { cookie }, payload: { token: TOKEN } });
    expect(res.statusCode).toBe(204);
    expect(await tab.closed).toBe(4401);
  });
});

describe('token revocation', () => {
  it('DELETE /api/tokens/:id closes the sockets of its sessions with 4401 and its token sockets with 1008', async () => {
    const app = await start(NO_CHECK);
    const ci = (await api(app.app, 'POST', '/api/tokens', { name: 'ci' })).json<CreatedTokenDto>();
    const sessionTab = await live({ cookie: await login(app, ci.token) });
    const bearerClient = await live({ authorization: `Bearer ${ci.token}` });
    const queryClient = await live({}, `?token=${ci.token}`);
    const adminTab = await live({ cookie: await login(app) });

    expect((await api(app.app, 'DELETE', `/api/tokens/${ci.id}`)).statusCode).toBe(204);
    expect(await sessionTab.closed).toBe(4401);
    expect(await bearerClient.closed).toBe(1008);
    expect(await queryClient.closed).toBe(1008);
    await stillStreaming(app, adminTab);
  });

  it('a revocation the API did not see (fulcrum token revoke writes the store) closes the sockets within the check period', async () => {
    const app = await start({ liveAuthCheckMs: 100 });
    const ci = (await api(app.app, 'POST', '/api/tokens', { name: 'ci' })).json<CreatedTokenDto>();
    const sessionTab = await live({ cookie: await login(app, ci.token) });
    const bearerClient = await live({ authorization: `Bearer ${ci.token}` });
    const adminClient = await live({ authorization: `Bearer ${TOKEN}` });
    expect(app.store.tokens.revoke('ci')).toBeTruthy();
    expect(await sessionTab.closed).toBe(4401);
    expect(await bearerClient.closed).toBe(1008);
    await stillStreaming(app, adminClient);
  });
});

describe('session expiry', () => {
  it('closes the sockets of a session whose idle timeout passed with 4401', async () => {
    const app = await start({ sessionIdleTimeoutMs: 1500, liveAuthCheckMs: 100 });
    const cookie = await login(app);
    const tab = await live({ cookie });
    const tokenClient = await live({ authorization: `Bearer ${TOKEN}` });
    // An open socket is not a use of the session: with no request, it expires and the socket ends.
    expect(await tab.closed).toBe(4401);
    expect(await upgradeStatus({ cookie })).toBe(401);
    await stillStreaming(app, tokenClient);
  });

  it('a session in use does not expire, and neither do its sockets', async () => {
    const app = await start({ sessionIdleTimeoutMs: 1500, liveAuthCheckMs: 100 });
    const cookie = await login(app);
    const tab = await live({ cookie });
    // Requests keep the session alive across several idle timeouts' worth of time.
    const until = Date.now() + 4000;
    await eventually(async () => {
      expect((await app.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(200);
      return Date.now() > until;
    }, 10_000, 100);
    expect(tab.code).toBeUndefined();
    await stillStreaming(app, tab);
  });
});
