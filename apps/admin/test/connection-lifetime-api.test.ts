// maxConnectionLifetimeMs and the rebalance action through the admin: validated (400 naming the
// field, nothing changed), persisted, exported/imported, applied live to open connections,
// counted in /api/stats and /metrics; a rebalance ends one backend's connections gracefully over
// its window, leaves the others alone, and is audited with its start and end events.
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ApiErrorBody, ConfigDocument, EventDto, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { TcpServer, TestApp } from './helpers.ts';
import { TOKEN, api, eventually, expectRefused, freePort, startApp, startTcpServer, untouched } from './helpers.ts';

let t: TestApp;
let a: TcpServer;
let b: TcpServer;
let port: number;
let service: ServiceDto;
const open: net.Socket[] = [];
/** Sockets each backend holds now. */
const held = { a: 0, b: 0 };

/** An echo server that counts the sockets it holds. */
const counting = (which: 'a' | 'b') =>
  startTcpServer((s) => {
    held[which]++;
    s.on('close', () => held[which]--);
    s.pipe(s);
  });

beforeEach(async () => {
  held.a = held.b = 0;
  t = await startApp();
  a = await counting('a');
  b = await counting('b');
  port = await freePort();
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'db',
    listen: `127.0.0.1:${port}`,
    healthCheck: { type: 'none' },
    backends: [{ address: `127.0.0.1:${a.port}` }, { address: `127.0.0.1:${b.port}` }],
  });
  expect(res.statusCode).toBe(201);
  service = res.json<ServiceDto>();
});

afterEach(async () => {
  for (const s of open.splice(0)) s.destroy();
  await t.close();
  await a.close();
  await b.close();
});

/** A client that watches for the FIN and for how its socket closed. */
async function client(): Promise<{ s: net.Socket; endedAt: Promise<number>; closed: Promise<boolean> }> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  open.push(s);
  const endedAt = once(s, 'end').then(() => {
    s.end();
    return performance.now();
  });
  const closed = once(s, 'close').then(([hadError]) => hadError as boolean);
  await once(s, 'connect');
  // One round trip: the connection is relaying.
  s.write('x');
  await once(s, 'data');
  return { s, endedAt, closed };
}

async function backendStats(): Promise<StatsDto['services'][number]['backends']> {
  return (await api(t.app, 'GET', '/api/stats')).json<StatsDto>().services[0]!.backends;
}

const metrics = async (): Promise<string> => (await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body;

it('defaults to 0 (off); is persisted, exported and imported', async () => {
  expect(service.maxConnectionLifetimeMs).toBe(0);
  const res = await api(t.app, 'PATCH', `/api/services/${service.id}`, { maxConnectionLifetimeMs: 3_600_000 });
  expect(res.statusCode).toBe(200);
  expect(res.json<ServiceDto>().maxConnectionLifetimeMs).toBe(3_600_000);
  expect(t.store.readServices()[0]?.maxConnectionLifetimeMs).toBe(3_600_000);
  expect(t.engine.config.services[0]?.maxConnectionLifetimeMs).toBe(3_600_000);
  const doc = (await api(t.app, 'GET', '/api/config?format=json')).json<ConfigDocument>();
  expect(doc.services[0]?.maxConnectionLifetimeMs).toBe(3_600_000);
  // Imported back as it is; left out of a document it means the default (off).
  expect((await api(t.app, 'PUT', '/api/config', { ...doc, services: [{ ...doc.services[0], maxConnectionLifetimeMs: 60_000 }] })).statusCode).toBe(200);
  expect(t.engine.config.services[0]?.maxConnectionLifetimeMs).toBe(60_000);
  const { maxConnectionLifetimeMs: _m, ...rest } = doc.services[0]!;
  expect((await api(t.app, 'PUT', '/api/config', { version: 1, services: [rest] })).statusCode).toBe(200);
  expect(t.store.readServices()[0]?.maxConnectionLifetimeMs).toBe(0);
});

it.each([
  ['negative', -1],
  ['not an integer', 1.5],
  ['above 7 days', 604_800_001],
  ['a string', '1000'],
])('maxConnectionLifetimeMs %s → 400 naming the field, nothing changed', async (_what, value) => {
  await expectRefused(t, 'PATCH', `/api/services/${service.id}`, { maxConnectionLifetimeMs: value }, { code: 'VALIDATION_ERROR', field: 'maxConnectionLifetimeMs' });
});

it('a live change ends open connections past the new lifetime with FIN, counted in stats and /metrics', async () => {
  const c = await client();
  expect((await api(t.app, 'PATCH', `/api/services/${service.id}`, { maxConnectionLifetimeMs: 1000 })).statusCode).toBe(200);
  await c.endedAt;
  expect(await c.closed).toBe(false);
  const backends = await eventually(async () => {
    const now = await backendStats();
    return now.reduce((n, x) => n + x.closedByLifetime, 0) === 1 ? now : null;
  });
  expect(backends.reduce((n, x) => n + x.closedByRebalance, 0)).toBe(0);
  const body = await metrics();
  expect(body).toMatch(/fulcrum_backend_connections_ended_total\{service="db",backend="[^"]+",reason="lifetime"\} 1/);
});

it('rebalance: one backend\'s 20 connections end gracefully over the window; the other\'s stay; audited with start and end events', async () => {
  const clients = [];
  // Round-robin: alternately on A and B.
  for (let i = 0; i < 40; i++) clients.push(await client());
  expect(held).toEqual({ a: 20, b: 20 });
  const [ba, bb] = service.backends;
  const onA = clients.filter((_, i) => i % 2 === 0);
  const t0 = performance.now();
  const res = await api(t.app, 'POST', `/api/services/${service.id}/backends/${ba!.id}/rebalance`, { windowMs: 2000 });
  expect(res.statusCode).toBe(202);
  expect(res.json()).toEqual({ serviceId: service.id, backendId: ba!.id, windowMs: 2000, connections: 20 });
  const ends = await Promise.all(onA.map((c) => c.endedAt));
  expect(await Promise.all(onA.map((c) => c.closed))).toEqual(onA.map(() => false));
  const times = ends.map((x) => x - t0).sort((x, y) => x - y);
  expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThanOrEqual(0.4 * 2000);
  // B's connections were not touched: all open, still relaying.
  expect(held.b).toBe(20);
  const other = clients[1]!.s;
  other.write('still');
  expect(String((await once(other, 'data'))[0])).toBe('still');
  const events = await eventually(async () => {
    const page = (await api(t.app, 'GET', `/api/events?serviceId=${service.id}`)).json<{ events: EventDto[] }>();
    return page.events.some((e) => e.kind === 'rebalance-ended') ? page.events : null;
  });
  expect(events.find((e) => e.kind === 'backend-rebalanced')).toMatchObject({ backendId: ba!.id, details: { windowMs: 2000 } });
  expect(events.find((e) => e.kind === 'backend-rebalanced')?.actor).not.toBe('engine');
  expect(events.find((e) => e.kind === 'rebalance-started')).toMatchObject({ actor: 'engine', backendId: ba!.id, details: { connections: 20, windowMs: 2000 } });
  expect(events.find((e) => e.kind === 'rebalance-ended')).toMatchObject({ actor: 'engine', backendId: ba!.id, details: { closed: 20, outcome: 'done' } });
  const stats = await backendStats();
  expect(stats.find((x) => x.id === ba!.id)).toMatchObject({ closedByRebalance: 20, state: 'enabled' });
  expect(stats.find((x) => x.id === bb!.id)?.closedByRebalance).toBe(0);
  expect(await metrics()).toContain(`fulcrum_backend_connections_ended_total{service="db",backend="127.0.0.1:${a.port}",reason="rebalance"} 20`);
});

it('rebalance without a body uses the default window; removing the backend cancels it', async () => {
  await client();
  const [ba] = service.backends;
  const res = await api(t.app, 'POST', `/api/services/${service.id}/backends/${ba!.id}/rebalance`);
  expect(res.statusCode).toBe(202);
  expect(res.json()).toMatchObject({ windowMs: 30_000, connections: 1 });
  expect((await api(t.app, 'DELETE', `/api/services/${service.id}/backends/${ba!.id}`)).statusCode).toBe(204);
  const ended = await eventually(async () => {
    const page = (await api(t.app, 'GET', `/api/events?serviceId=${service.id}`)).json<{ events: EventDto[] }>();
    return page.events.find((e) => e.kind === 'rebalance-ended');
  });
  expect(ended.details).toMatchObject({ outcome: 'cancelled', closed: 0 });
});

it.each([
  ['windowMs below 100', { windowMs: 50 }, 'windowMs'],
  ['windowMs above an hour', { windowMs: 3_600_001 }, 'windowMs'],
  ['windowMs not an integer', { windowMs: 1.5 }, 'windowMs'],
  ['an unknown field', { window: 1000 }, 'window'],
])('rebalance with %s → 400 naming the field, nothing changed', async (_what, body, field) => {
  await expectRefused(t, 'POST', `/api/services/${service.id}/backends/${service.backends[0]!.id}/rebalance`, body, { code: 'VALIDATION_ERROR', field });
});

it('rebalance: malformed ids → 400 naming the parameter; unknown ones → 404; no token → 401', async () => {
  const before = untouched(t);
  const bad = await api(t.app, 'POST', `/api/services/${service.id}/backends/01/rebalance`, { windowMs: 1000 });
  expect(bad.statusCode).toBe(400);
  expect(bad.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'backendId' });
  const badService = await api(t.app, 'POST', `/api/services/1e0/backends/${service.backends[0]!.id}/rebalance`, { windowMs: 1000 });
  expect(badService.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'id' });
  expect((await api(t.app, 'POST', `/api/services/${service.id}/backends/999/rebalance`, { windowMs: 1000 })).json<ApiErrorBody>()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  expect((await api(t.app, 'POST', `/api/services/999/backends/${service.backends[0]!.id}/rebalance`, { windowMs: 1000 })).statusCode).toBe(404);
  const anonymous = await t.app.inject({ method: 'POST', url: `/api/services/${service.id}/backends/${service.backends[0]!.id}/rebalance`, payload: { windowMs: 1000 } });
  expect(anonymous.statusCode).toBe(401);
  expect(untouched(t)).toEqual(before);
});
