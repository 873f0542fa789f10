// The WebSocket at /api/live with a real ws client over a real listening admin.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceDto } from '@fulcrum/shared/api';
import type { LiveMessage } from '@fulcrum/shared/live-protocol';
import type { TestApp } from './helpers.ts';
import { TOKEN, api, freePort, startApp } from './helpers.ts';

let t: TestApp;
let base: string;
const open: WebSocket[] = [];

beforeEach(async () => {
  t = await startApp({ statsIntervalMs: 100 });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const ws of open) ws.terminate();
  open.length = 0;
  await t.close();
});

/** Connects and collects every message; `next(type)` waits for the next one of that type. */
function connect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  open.push(ws);
  const messages: LiveMessage[] = [];
  const waiters: { type: string; resolve: (m: LiveMessage) => void }[] = [];
  let seen = 0;
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as LiveMessage;
    messages.push(message);
    for (const w of [...waiters]) {
      if (w.type === message.type) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  const next = <T extends LiveMessage['type']>(type: T): Promise<Extract<LiveMessage, { type: T }>> => {
    const found = messages.slice(seen).find((m) => m.type === type);
    if (found) {
      seen = messages.indexOf(found) + 1;
      return Promise.resolve(found as Extract<LiveMessage, { type: T }>);
    }
    return new Promise((resolve) =>
      waiters.push({
        type,
        resolve: (m) => {
          seen = messages.indexOf(m) + 1;
          resolve(m as Extract<LiveMessage, { type: T }>);
        },
      }),
    );
  };
  return { ws, messages, next };
}

/** The HTTP status of a refused upgrade. */
function refusal(url: string, headers: Record<string, string> = {}): Promise<number> {
  const ws = new WebSocket(url, { headers });
  open.push(ws);
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => reject(new Error('upgrade was accepted')));
    ws.on('error', () => {});
  });
}

describe('/api/live', () => {
  it('says hello with the config and stats, then streams stats', async () => {
    await api(t.app, 'POST', '/api/services', { name: 'a', listen: `127.0.0.1:${await freePort()}` });
    const client = connect(`${base}/api/live`, { authorization: `Bearer ${TOKEN}` });
    const hello = await client.next('hello');
    expect(hello.services.map((s) => s.name)).toEqual(['a']);
    expect(hello.stats.services.map((s) => s.name)).toEqual(['a']);
    const first = await client.next('stats');
    const second = await client.next('stats');
    expect(second.stats.time).toBeGreaterThanOrEqual(first.stats.time);
    expect(second.stats.services[0]).toMatchObject({ name: 'a', active: 0 });
  });

  it('pushes config and event messages after a committed change', async () => {
    const created = (await api(t.app, 'POST', '/api/services', { name: 'a', listen: `127.0.0.1:${await freePort()}` })).json<ServiceDto>();
    const client = connect(`${base}/api/live?token=${TOKEN}`);
    await client.next('hello');
    const res = await api(t.app, 'PATCH', `/api/services/${created.id}`, { strategy: 'random' });
    expect(res.statusCode).toBe(200);
    const config = await client.next('config');
    expect(config.services).toEqual([res.json()]);
    const event = await client.next('event');
    expect(event.event).toMatchObject({ kind: 'service-updated', actor: 'admin', serviceId: created.id });
  });

  it('pushes nothing for a rejected change', async () => {
    const created = (await api(t.app, 'POST', '/api/services', { name: 'a', listen: `127.0.0.1:${await freePort()}` })).json<ServiceDto>();
    const client = connect(`${base}/api/live`, { authorization: `Bearer ${TOKEN}` });
    await client.next('hello');
    expect((await api(t.app, 'PATCH', `/api/services/${created.id}`, { strategy: 'nope' })).statusCode).toBe(400);
    expect((await api(t.app, 'PATCH', `/api/services/${created.id}`, { retries: 0 })).statusCode).toBe(200);
    // The first config message is the second (accepted) change.
    const config = await client.next('config');
    expect(config.services[0]?.retries).toBe(0);
    expect(config.services[0]?.strategy).toBe('round-robin');
    expect(client.messages.filter((m) => m.type === 'config')).toHaveLength(1);
  });

  it('records engine events and pushes them (a backend failing its health check)', async () => {
    const client = connect(`${base}/api/live`, { authorization: `Bearer ${TOKEN}` });
    await client.next('hello');
    const deadPort = await freePort();
    const created = (
      await api(t.app, 'POST', '/api/services', {
        name: 'checked',
        listen: `127.0.0.1:${await freePort()}`,
        healthCheck: { type: 'tcp', intervalMs: 100, timeoutMs: 1000, fall: 1 },
        backends: [{ address: `127.0.0.1:${deadPort}` }],
      })
    ).json<ServiceDto>();
    let event;
    do event = (await client.next('event')).event;
    while (event.kind !== 'backend-health');
    expect(event).toMatchObject({ actor: 'engine', serviceId: created.id, backendId: created.backends[0]!.id, details: { to: 'down' } });
    expect(event.message).toContain(`backend 127.0.0.1:${deadPort} of "checked" is down`);
    const stored = (await api(t.app, 'GET', `/api/events?kind=backend-health&serviceId=${created.id}`)).json<{ events: unknown[] }>();
    expect(stored.events[0]).toEqual(event);
  });

  it('accepts a session cookie from the same origin only', async () => {
    const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { token: TOKEN } });
    const cookie = `fulcrum_session=${login.cookies[0]!.value}`;
    const host = base.replace('ws://', '');
    const client = connect(`${base}/api/live`, { cookie, origin: `http://${host}` });
    expect((await client.next('hello')).type).toBe('hello');
    expect(await refusal(`${base}/api/live`, { cookie, origin: 'http://evil.example' })).toBe(403);
  });

  it('refuses upgrades without valid credentials', async () => {
    expect(await refusal(`${base}/api/live`)).toBe(401);
    expect(await refusal(`${base}/api/live?token=wrong`)).toBe(401);
    expect(await refusal(`${base}/api/live`, { authorization: 'Bearer wrong' })).toBe(401);
  });

  it('closes clients when the server shuts down', async () => {
    const client = connect(`${base}/api/live`, { authorization: `Bearer ${TOKEN}` });
    await client.next('hello');
    const closed = once(client.ws, 'close');
    await t.app.close();
    const [code] = (await closed) as [number];
    expect(code).toBe(1001);
  });
});
