// Tokens, sessions, CSRF and login rate limiting (the shared failure budget in full: auth-limit.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { TOKEN, freePort, observable, startApp } from './helpers.ts';
import { ensureAdminToken } from '../src/auth/admin-token.ts';
import { hashToken } from '../src/auth/tokens.ts';

let t: TestApp;

beforeEach(async () => {
  t = await startApp({ authFailureLimit: { maxFailures: 5, windowMs: 60_000 } });
});

afterEach(async () => {
  await t.close();
});

async function login(token = TOKEN): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { token } });
  expect(res.statusCode).toBe(204);
  const cookie = res.cookies.find((c) => c.name === 'fulcrum_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
  return `fulcrum_session=${cookie!.value}`;
}

describe('without credentials', () => {
  it('health needs none', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it.each([
    ['GET', '/api/services'],
    ['GET', '/api/services/1'],
    ['POST', '/api/services'],
    ['PATCH', '/api/services/1'],
    ['DELETE', '/api/services/1'],
    ['POST', '/api/services/1/backends'],
    ['GET', '/api/stats'],
    ['GET', '/api/events'],
    ['GET', '/api/session'],
    ['GET', '/api/live'],
  ] as const)('%s %s is 401 and changes nothing', async (method, url) => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/services',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { name: 'one', listen: `127.0.0.1:${await freePort()}`, backends: [{ address: '127.0.0.1:7001' }] },
    });
    expect(created.json<{ id: number }>().id).toBe(1);
    const before = await observable(t);
    const payload = method === 'GET' ? undefined : method === 'POST' && url.endsWith('backends') ? { address: '127.0.0.1:7002' } : { retries: 0 };
    const res = await t.app.inject({ method, url, payload });
    expect(res.statusCode).toBe(401);
    expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect(await observable(t)).toEqual(before);
  });

  it('a wrong Bearer token is 401 and changes nothing', async () => {
    const before = await observable(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/services',
      headers: { authorization: 'Bearer not-the-token' },
      payload: { name: 'x', listen: `127.0.0.1:${await freePort()}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json<ApiErrorBody>().code).toBe('UNAUTHORIZED');
    expect(await observable(t)).toEqual(before);
  });

  it('a bogus session cookie is 401', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/services', headers: { cookie: 'fulcrum_session=forged' } });
    expect(res.statusCode).toBe(401);
  });

  it('?token= is accepted only on the WebSocket route', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/services?token=${TOKEN}` });
    expect(res.statusCode).toBe(401);
  });

  it('unknown API routes are a JSON 404 (they reveal nothing, so need no auth)', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/nope' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/nope/deeper' })).json<ApiErrorBody>().code).toBe('NOT_FOUND');
    const res = await t.app.inject({ method: 'GET', url: '/api/nope', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(404);
    expect(res.json<ApiErrorBody>().code).toBe('NOT_FOUND');
  });
});

describe('login and sessions', () => {
  it('logs in with the token, identifies the actor, logs out', async () => {
    const cookie = await login();
    const session = await t.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toEqual({ actor: 'admin' });

    const logout = await t.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } });
    expect(logout.statusCode).toBe(204);
    expect(logout.cookies.find((c) => c.name === 'fulcrum_session')?.value).toBe('');
    const after = await t.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('a wrong token is 401 and sets no cookie', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { token: 'wrong' } });
    expect(res.statusCode).toBe(401);
    expect(res.json<ApiErrorBody>().code).toBe('UNAUTHORIZED');
    expect(res.cookies).toEqual([]);
  });

  it('a malformed login body is 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { secret: TOKEN } });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('rate-limits login attempts per client', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { token: `guess-${i}` } });
      expect(res.statusCode).toBe(401);
    }
    const limited = await t.app.inject({ method: 'POST', url: '/api/login', payload: { token: TOKEN } });
    expect(limited.statusCode).toBe(429);
    expect(limited.json<ApiErrorBody>()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    // Seconds until the 60 s window lets this client try again.
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `retry-after ${limited.headers['retry-after']}`).toBe(true);
  });

  it('cookie-authenticated changes need the CSRF header; Bearer ones do not', async () => {
    const cookie = await login();
    const body = { name: 'csrf', listen: `127.0.0.1:${await freePort()}` };
    const before = await observable(t);
    const rejected = await t.app.inject({ method: 'POST', url: '/api/services', headers: { cookie }, payload: body });
    expect(rejected.statusCode).toBe(403);
    expect(rejected.json<ApiErrorBody>()).toMatchObject({ statusCode: 403, code: 'CSRF_REJECTED' });
    const wrongValue = await t.app.inject({ method: 'POST', url: '/api/services', headers: { cookie, 'x-fulcrum-csrf': 'yes' }, payload: body });
    expect(wrongValue.statusCode).toBe(403);
    for (const method of ['PATCH', 'DELETE'] as const) {
      const res = await t.app.inject({ method, url: '/api/services/1', headers: { cookie }, payload: {} });
      expect(res.statusCode).toBe(403);
    }
    expect(await observable(t)).toEqual(before);

    // Reads need no header.
    expect((await t.app.inject({ method: 'GET', url: '/api/services', headers: { cookie } })).statusCode).toBe(200);
    const accepted = await t.app.inject({ method: 'POST', url: '/api/services', headers: { cookie, 'x-fulcrum-csrf': '1' }, payload: body });
    expect(accepted.statusCode).toBe(201);
    const events = await t.app.inject({ method: 'GET', url: '/api/events', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(events.json<{ events: { actor: string }[] }>().events[0]?.actor).toBe('admin');
  });

  it('a replaced admin token stops working, and so do its sessions', async () => {
    const cookie = await login();
    ensureAdminToken(t.store, 'a-brand-new-token-value');
    expect((await t.app.inject({ method: 'GET', url: '/api/session', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(401);
    const ok = await t.app.inject({ method: 'GET', url: '/api/session', headers: { authorization: 'Bearer a-brand-new-token-value' } });
    expect(ok.statusCode).toBe(200);
    // Same token row, new hash: the session survives only if it names the same token id…
    // …which it does; revocation is what ends sessions.
    expect((await t.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(200);
    t.store.tokens.revoke('admin');
    expect((await t.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('the bootstrap token', () => {
  it('is stored only as a SHA-256 hash', async () => {
    const row = t.store.tokens.getByName('admin');
    expect(row?.hash).toBe(hashToken(TOKEN));
    const raw = t.store.db.prepare('SELECT * FROM tokens').all();
    expect(JSON.stringify(raw)).not.toContain(TOKEN);
  });

  it('is generated once when no token is given, then reported as stored', () => {
    t.store.db.prepare('DELETE FROM tokens').run();
    const first = ensureAdminToken(t.store);
    expect(first.source).toBe('generated');
    const token = (first as { token: string }).token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(t.store.tokens.getByName('admin')?.hash).toBe(hashToken(token));
    expect(ensureAdminToken(t.store)).toEqual({ source: 'stored' });
    expect(ensureAdminToken(t.store, 'from-the-environment')).toEqual({ source: 'env' });
    expect(t.store.tokens.getByName('admin')?.hash).toBe(hashToken('from-the-environment'));
  });
});
