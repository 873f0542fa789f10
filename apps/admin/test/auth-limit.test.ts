// Failed authentication of any kind — a wrong Bearer token, session cookie or `?token=` on the
// WebSocket, a failed login — counts against one budget per client, answered 429 + Retry-After
// beyond it. Clients are told apart by inject()'s remoteAddress; the WebSocket cases use a real
// listening admin and real ws clients from 127.0.0.1.
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ApiErrorBody, CreatedTokenDto } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { TOKEN, api, startApp } from './helpers.ts';

const MAX = 5;
let t: TestApp;
const open: WebSocket[] = [];

beforeEach(async () => {
  t = await startApp({ authFailureLimit: { maxFailures: MAX, windowMs: 60_000 } });
});

afterEach(async () => {
  for (const ws of open) ws.terminate();
  open.length = 0;
  await t.close();
});

const from = (remoteAddress: string, opts: InjectOptions): Promise<LightMyRequestResponse> => t.app.inject({ ...opts, remoteAddress });
const bearer = (remoteAddress: string, token: string, url = '/api/services') =>
  from(remoteAddress, { method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
const loginFrom = (remoteAddress: string, token: string) => from(remoteAddress, { method: 'POST', url: '/api/login', payload: { token } });

function expectLimited(res: LightMyRequestResponse): void {
  expect(res.statusCode).toBe(429);
  expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `retry-after ${res.headers['retry-after']}`).toBe(true);
}

/** The HTTP status of a WebSocket upgrade: 101 if it opened. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number; retryAfter?: string }> {
  const ws = new WebSocket(url, { headers });
  open.push(ws);
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
    ws.on('open', () => resolve({ status: 101 }));
    ws.on('error', () => {});
  });
}

describe('wrong Bearer tokens', () => {
  it('a burst of guesses gets the budget as 401s and 429 for the rest', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => bearer('203.0.113.9', `guess-${i}`)));
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX);
    expect(statuses.filter((s) => s === 429)).toHaveLength(60 - MAX);
    expectLimited(answers.find((r) => r.statusCode === 429)!);
    // The budget is the client's, on every authenticated route (and /metrics).
    expectLimited(await bearer('203.0.113.9', 'another-guess', '/api/stats'));
    expectLimited(await bearer('203.0.113.9', 'another-guess', '/metrics'));
  });

  it('other clients are not affected; one IPv6 /64 is one client', async () => {
    for (let i = 0; i < MAX; i++) expect((await bearer(`2001:db8:7:7::${i + 1}`, `guess-${i}`)).statusCode).toBe(401);
    expectLimited(await bearer('2001:db8:7:7:abcd::1', 'guess'));
    expect((await bearer('2001:db8:7:8::1', 'guess')).statusCode).toBe(401);
    expect((await bearer('198.51.100.1', 'guess')).statusCode).toBe(401);
    expect((await bearer('198.51.100.1', TOKEN)).statusCode).toBe(200);
  });

  it('requests without any credentials are 401 and not counted', async () => {
    for (let i = 0; i < MAX * 3; i++) expect((await from('203.0.113.9', { method: 'GET', url: '/api/session' })).statusCode).toBe(401);
    expect((await bearer('203.0.113.9', TOKEN)).statusCode).toBe(200);
  });
});

describe('one budget for every way in', () => {
  it('Bearer, cookie and login failures add up, and the block holds for each of them', async () => {
    expect((await bearer('203.0.113.9', 'guess')).statusCode).toBe(401);
    expect((await bearer('203.0.113.9', 'guess')).statusCode).toBe(401);
    const cookie = { cookie: 'fulcrum_session=forged-session-id' };
    expect((await from('203.0.113.9', { method: 'GET', url: '/api/services', headers: cookie })).statusCode).toBe(401);
    expect((await loginFrom('203.0.113.9', 'guess')).statusCode).toBe(401);
    expect((await loginFrom('203.0.113.9', 'guess')).statusCode).toBe(401);

    expectLimited(await bearer('203.0.113.9', 'guess'));
    expectLimited(await from('203.0.113.9', { method: 'GET', url: '/api/services', headers: cookie }));
    expectLimited(await loginFrom('203.0.113.9', 'guess'));
  });

  it('wrong tokens on the WebSocket upgrade count too, and a blocked client is refused 429 there', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    for (let i = 0; i < MAX - 1; i++) expect((await upgrade(`${base}/api/live?token=guess-${i}`)).status).toBe(401);
    expect((await upgrade(`${base}/api/live`, { authorization: 'Bearer guess' })).status).toBe(401);
    // The budget is spent: HTTP from the same client is refused too…
    expectLimited(await bearer('127.0.0.1', 'guess'));
    const refused = await upgrade(`${base}/api/live?token=guess`);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    // …and a correct token never used from this client before gets no answer about itself.
    expect((await upgrade(`${base}/api/live?token=${TOKEN}`)).status).toBe(429);
    expect((await upgrade(`${base}/api/live`, { cookie: 'fulcrum_session=forged' })).status).toBe(429);
  });
});

describe('correct credentials from a blocked client', () => {
  async function block(address: string): Promise<void> {
    for (let i = 0; i < MAX; i++) await bearer(address, `guess-${i}`);
    expectLimited(await bearer(address, 'guess'));
  }

  it('a token that worked from this client before keeps working, on HTTP and for login', async () => {
    expect((await bearer('203.0.113.9', TOKEN)).statusCode).toBe(200);
    await block('203.0.113.9');
    expect((await bearer('203.0.113.9', TOKEN)).statusCode).toBe(200);
    const login = await loginFrom('203.0.113.9', TOKEN);
    expect(login.statusCode).toBe(204);
    // Wrong guesses are still refused, and still 429: the block is not lifted by the success.
    expectLimited(await bearer('203.0.113.9', 'guess'));
  });

  it('a valid session cookie keeps working; a correct token never proven from this client is 429 like a wrong one', async () => {
    const login = await loginFrom('203.0.113.9', TOKEN);
    const cookie = `fulcrum_session=${login.cookies.find((c) => c.name === 'fulcrum_session')!.value}`;
    const ci = (await api(t.app, 'POST', '/api/tokens', { name: 'ci' })).json<CreatedTokenDto>();
    await block('203.0.113.9');
    expect((await from('203.0.113.9', { method: 'GET', url: '/api/session', headers: { cookie } })).json()).toEqual({ actor: 'admin' });
    // "ci" is right, but from a blocked client it cannot be told from a guess.
    expectLimited(await bearer('203.0.113.9', ci.token));
    expectLimited(await loginFrom('203.0.113.9', ci.token));
    // Elsewhere it works.
    expect((await bearer('198.51.100.1', ci.token)).statusCode).toBe(200);
  });
});
