// /api/tokens: create (shown once), list (no secrets), revoke (sessions and live sockets end).
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody, CreatedTokenDto, EventDto, TokenDto } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { TOKEN, api, freePort, startApp } from './helpers.ts';

let t: TestApp;

beforeEach(async () => {
  t = await startApp();
});

afterEach(async () => {
  await t.close();
});

const as = (token: string, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload ? { payload } : {}) });

async function create(name: string): Promise<CreatedTokenDto> {
  const res = await api(t.app, 'POST', '/api/tokens', { name });
  expect(res.statusCode).toBe(201);
  return res.json<CreatedTokenDto>();
}

async function login(token: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { token } });
  expect(res.statusCode).toBe(204);
  return `fulcrum_session=${res.cookies.find((c) => c.name === 'fulcrum_session')!.value}`;
}

describe('creating', () => {
  it('answers the secret once; the token works and is the actor of the changes made with it', async () => {
    const res = await api(t.app, 'POST', '/api/tokens', { name: 'ci-deploy' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const created = res.json<CreatedTokenDto>();
    expect(created).toEqual({ id: expect.any(Number), name: 'ci-deploy', token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), createdAt: expect.any(String) });
    expect(res.headers.location).toBe(`/api/tokens/${created.id}`);
    // Only the hash is stored.
    expect(JSON.stringify(t.store.db.prepare('SELECT * FROM tokens').all())).not.toContain(created.token);

    const svc = await as(created.token, 'POST', '/api/services', { name: 'by-ci', listen: `127.0.0.1:${await freePort()}` });
    expect(svc.statusCode).toBe(201);
    expect((await as(created.token, 'GET', '/api/session')).json()).toEqual({ actor: 'ci-deploy' });
    const events = (await api(t.app, 'GET', '/api/events')).json<{ events: EventDto[] }>().events;
    expect(events.map((e) => [e.kind, e.actor])).toEqual([
      ['service-created', 'ci-deploy'],
      ['token-created', 'admin'],
    ]);
    expect(events[1]!.details).toEqual({ tokenId: created.id, name: 'ci-deploy' });
  });

  it.each([
    [{ name: 'admin' }, 409, 'DUPLICATE_TOKEN', 'name'],
    [{ name: 'engine' }, 400, 'VALIDATION_ERROR', 'name'],
    [{ name: 'cli' }, 400, 'VALIDATION_ERROR', 'name'],
    [{ name: 'has space' }, 400, 'VALIDATION_ERROR', 'name'],
    [{ name: '' }, 400, 'VALIDATION_ERROR', 'name'],
    [{ name: 'x'.repeat(65) }, 400, 'VALIDATION_ERROR', 'name'],
    [{}, 400, 'VALIDATION_ERROR', 'name'],
    [{ name: 'ok', scope: 'all' }, 400, 'VALIDATION_ERROR', 'scope'],
  ])('%j → %i %s', async (body, status, code, field) => {
    const before = t.store.db.prepare('SELECT * FROM tokens').all();
    const res = await api(t.app, 'POST', '/api/tokens', body);
    expect(res.statusCode).toBe(status);
    expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: status, code, field });
    expect(t.store.db.prepare('SELECT * FROM tokens').all()).toEqual(before);
  });
});

describe('listing', () => {
  it('shows active tokens without secrets or hashes; the bootstrap token is "admin"', async () => {
    const ci = await create('ci');
    const res = await api(t.app, 'GET', '/api/tokens');
    expect(res.statusCode).toBe(200);
    const list = res.json<TokenDto[]>();
    expect(list).toEqual([
      { id: expect.any(Number), name: 'admin', createdAt: expect.any(String), current: true },
      { id: ci.id, name: 'ci', createdAt: ci.createdAt, current: false },
    ]);
    expect(res.body).not.toContain(ci.token);
    expect(res.body).not.toMatch(/hash/);
    expect((await as(ci.token, 'GET', '/api/tokens')).json<TokenDto[]>().map((x) => x.current)).toEqual([false, true]);
  });
});

describe('revoking', () => {
  it('ends the token, its sessions and its live WebSockets at once', async () => {
    const ci = await create('ci');
    const cookie = await login(ci.token);
    expect((await t.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(200);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as AddressInfo).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live?token=${ci.token}`);
    await once(ws, 'message'); // hello
    const adminWs = new WebSocket(`ws://127.0.0.1:${port}/api/live`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await once(adminWs, 'message');
    const closed = once(ws, 'close');

    const res = await api(t.app, 'DELETE', `/api/tokens/${ci.id}`);
    expect(res.statusCode).toBe(204);
    const [code] = (await closed) as [number];
    expect(code).toBe(1008);
    expect(adminWs.readyState).toBe(WebSocket.OPEN);
    adminWs.terminate();

    expect((await as(ci.token, 'GET', '/api/services')).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(401);
    expect((await api(t.app, 'GET', '/api/tokens')).json<TokenDto[]>().map((x) => x.name)).toEqual(['admin']);
    const events = (await api(t.app, 'GET', '/api/events?kind=token-revoked')).json<{ events: EventDto[] }>().events;
    expect(events).toMatchObject([{ actor: 'admin', message: 'API token "ci" revoked' }]);
  });

  it('a token re-created under the same name gets a new id: sessions of the old one stay dead', async () => {
    const old = await create('ci');
    const cookie = await login(old.token);
    await api(t.app, 'DELETE', `/api/tokens/${old.id}`);
    const renewed = await create('ci');
    expect(renewed.id).not.toBe(old.id);
    expect((await t.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(401);
    expect((await as(old.token, 'GET', '/api/session')).statusCode).toBe(401);
    expect((await as(renewed.token, 'GET', '/api/session')).json()).toEqual({ actor: 'ci' });
  });

  it('a token can revoke itself', async () => {
    const ci = await create('ci');
    expect((await as(ci.token, 'DELETE', `/api/tokens/${ci.id}`)).statusCode).toBe(204);
    expect((await as(ci.token, 'GET', '/api/tokens')).statusCode).toBe(401);
  });

  it.each([
    ['an unknown id', '/api/tokens/999', 404, 'NOT_FOUND'],
    ['a bad id', '/api/tokens/abc', 400, 'VALIDATION_ERROR'],
  ])('%s is %i', async (_what, url, status, code) => {
    const res = await api(t.app, 'DELETE', url);
    expect(res.statusCode).toBe(status);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code });
  });

  it('a revoked token is 404 the second time', async () => {
    const ci = await create('ci');
    expect((await api(t.app, 'DELETE', `/api/tokens/${ci.id}`)).statusCode).toBe(204);
    expect((await api(t.app, 'DELETE', `/api/tokens/${ci.id}`)).statusCode).toBe(404);
  });

  it('cookie sessions need the CSRF header to create or revoke', async () => {
    const cookie = await login(TOKEN);
    const res = await t.app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie }, payload: { name: 'x' } });
    expect(res.statusCode).toBe(403);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'CSRF_REJECTED' });
    const ok = await t.app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie, 'x-fulcrum-csrf': '1' }, payload: { name: 'x' } });
    expect(ok.statusCode).toBe(201);
  });

  it('needs authentication', async () => {
    for (const [method, url] of [['GET', '/api/tokens'], ['POST', '/api/tokens'], ['DELETE', '/api/tokens/1']] as const) {
      const res = await t.app.inject({ method, url, ...(method === 'POST' ? { payload: { name: 'x' } } : {}) });
      expect(res.statusCode).toBe(401);
    }
    expect((await api(t.app, 'GET', '/api/tokens')).json<TokenDto[]>()).toHaveLength(1);
  });
});
