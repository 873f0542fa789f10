// Metric history end to end: real traffic through a real echo backend shows up in
// GET /api/services/:id/history, a real `fulcrum` process restarted on the same data directory
// keeps its earlier points and shows the downtime as null, and bad input is a 400 naming the field.
// Buckets are 200 ms here (the test-only setting) so nothing waits for 10 s buckets.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { HistoryDto } from '@fulcrum/shared/history';
import { killChildren, run } from './cli-helpers.ts';
import { api, eventually, freePort, startApp, startEchoServer, tcpRoundTrip, tempDir } from './helpers.ts';
import type { TestApp } from './helpers.ts';

const BUCKET_MS = 200;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  killChildren();
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const sum = (values: (number | null)[]): number => values.reduce<number>((total, v) => total + (v ?? 0), 0);

async function appWithService(dir?: string): Promise<{ t: TestApp; service: ServiceDto; listenPort: number }> {
  const echo = await startEchoServer();
  cleanup.push(() => echo.close());
  const t = await startApp({ history: { bucketMs: BUCKET_MS }, ...(dir === undefined ? {} : { dir }) });
  cleanup.push(() => t.close());
  const listenPort = await freePort();
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'hist',
    listen: `127.0.0.1:${listenPort}`,
    healthCheck: { type: 'none' },
    backends: [{ address: `127.0.0.1:${echo.port}` }],
  });
  expect(res.statusCode).toBe(201);
  return { t, service: res.json<ServiceDto>(), listenPort };
}

describe('GET /api/services/:id/history', () => {
  it('records the traffic per service and backend, with null before the admin ran and the config change as a mark', async () => {
    const { t, service, listenPort } = await appWithService();
    const startedAt = Date.now();
    const payload = 'x'.repeat(1000);
    for (let i = 0; i < 20; i++) expect((await tcpRoundTrip(listenPort, payload)).length).toBe(1000);

    const history = await eventually(async () => {
      const res = await api(t.app, 'GET', `/api/services/${service.id}/history?range=5m`);
      expect(res.statusCode).toBe(200);
      const body = res.json<HistoryDto>();
      const seconds = body.stepMs / 1000;
      // Every connection counted once its bucket is written (rates × slot length, partial slots round up).
      return sum(body.service.newPerSec) * seconds >= 20 && sum(body.service.bytesInPerSec) * seconds >= 20_000 ? body : undefined;
    });
    expect(history).toMatchObject({ serviceId: service.id, range: '5m', stepMs: 1000 });
    expect(history.times).toHaveLength(300);
    const backend = history.backends.find((b) => b.id === service.backends[0]!.id)!;
    expect(backend.address).toBe(service.backends[0]!.address);
    expect(sum(backend.newPerSec) * 1).toBeGreaterThanOrEqual(20);
    expect(sum(backend.bytesOutPerSec)).toBeGreaterThanOrEqual(20_000);
    // Slots before this admin started have no point: null, not zero.
    const before = history.times.findIndex((time) => time + history.stepMs >= startedAt - 1000);
    expect(before).toBeGreaterThan(0);
    expect(history.service.active.slice(0, before).every((v) => v === null)).toBe(true);
    // The creation and the backend's health transition are marked; traffic is not an event.
    expect(history.marks).toEqual([
      expect.objectContaining({ kind: 'service-created', backendId: null, message: expect.stringContaining('hist') }),
      expect.objectContaining({ kind: 'backend-health', backendId: service.backends[0]!.id, health: 'up', message: expect.stringContaining('is up') }),
    ]);

    // A change shows up as a mark, with the id of its event in the log.
    expect((await api(t.app, 'PATCH', `/api/services/${service.id}`, { retries: 0 })).statusCode).toBe(200);
    const again = (await api(t.app, 'GET', `/api/services/${service.id}/history?range=1h`)).json<HistoryDto>();
    expect(again.stepMs).toBe(9 * 6 * BUCKET_MS); // at most 360 slots of whole coarse (6-bucket) points
    const updated = again.marks.find((m) => m.kind === 'service-updated');
    const logged = (await api(t.app, 'GET', `/api/events?kind=service-updated`)).json<{ events: { id: number }[] }>();
    expect(updated?.id).toBe(logged.events[0]?.id);

    // The writer's counters are scraped: buckets written, none dropped.
    const metrics = (await api(t.app, 'GET', '/metrics')).body;
    expect(Number(/^fulcrum_history_buckets_written_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/^fulcrum_history_buckets_dropped_total 0$/m);
  });

  it('answers 400 naming the field for a bad range, an unknown parameter or a non-canonical id, 404 for an unknown service', async () => {
    const { t, service } = await appWithService();
    for (const [url, field] of [
      [`/api/services/${service.id}/history`, 'range'],
      [`/api/services/${service.id}/history?range=2h`, 'range'],
      [`/api/services/${service.id}/history?range=5M`, 'range'],
      [`/api/services/${service.id}/history?range=5m&range=1h`, 'range'],
      [`/api/services/${service.id}/history?range=5m&from=1`, 'from'],
      [`/api/services/0${service.id}/history?range=5m`, 'id'],
      [`/api/services/1e0/history?range=5m`, 'id'],
    ] as const) {
      const res = await api(t.app, 'GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json<ApiErrorBody>(), url).toMatchObject({ code: 'VALIDATION_ERROR', field });
    }
    const missing = await api(t.app, 'GET', `/api/services/${service.id + 1000}/history?range=5m`);
    expect(missing.statusCode).toBe(404);
  });

  it('a single node (no shared store) knows only itself: node=its own name is its history, any other name is 400 UNKNOWN_NODE', async () => {
    const { t, service } = await appWithService();
    const self = t.app.fulcrum.node.name;
    expect((await api(t.app, 'GET', `/api/services/${service.id}/history?range=5m&node=${encodeURIComponent(self)}`)).statusCode).toBe(200);
    const res = await api(t.app, 'GET', `/api/services/${service.id}/history?range=5m&node=elsewhere`);
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'UNKNOWN_NODE', field: 'node' });
    expect((await api(t.app, 'GET', `/api/services/${service.id}/history?range=5m&node=`)).json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'node' });
  });

  it('a history file that cannot be opened costs history only: traffic and the API carry on, buckets are dropped and counted, reads are 503', async () => {
    const data = tempDir();
    cleanup.push(data.remove);
    mkdirSync(join(data.dir, 'history.db')); // a directory where the file should be: SQLite cannot open it
    const { t, service, listenPort } = await appWithService(data.dir);
    for (let i = 0; i < 5; i++) expect((await tcpRoundTrip(listenPort, 'still proxied')).toString()).toBe('still proxied');
    expect((await api(t.app, 'GET', '/api/services')).statusCode).toBe(200);
    const res = await api(t.app, 'GET', `/api/services/${service.id}/history?range=5m`);
    expect(res.statusCode).toBe(503);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'HISTORY_UNAVAILABLE', message: expect.stringContaining('cannot open the history file') });
    await eventually(async () => {
      const metrics = (await api(t.app, 'GET', '/metrics')).body;
      return Number(/^fulcrum_history_buckets_dropped_total (\d+)$/m.exec(metrics)?.[1]) > 0;
    });
  });
});

it('a real fulcrum process restarted on the same data directory keeps its points and shows the downtime as null', async () => {
  const data = tempDir();
  cleanup.push(data.remove);
  const echo = await startEchoServer();
  cleanup.push(() => echo.close());
  const adminPort = await freePort();
  const listenPort = await freePort();
  const env = { FULCRUM_HISTORY_BUCKET_MS: String(BUCKET_MS), FULCRUM_ADMIN_TOKEN: 'history-token-0123456789' };
  const args = ['--data', data.dir, '--admin', `127.0.0.1:${adminPort}`, '--listen', `127.0.0.1:${listenPort}`, '--backend', `127.0.0.1:${echo.port}`];
  const base = `http://127.0.0.1:${adminPort}/api`;
  const get = async <T>(path: string): Promise<T> => (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${env.FULCRUM_ADMIN_TOKEN}` } })).json() as Promise<T>;
  const history = () => get<HistoryDto>('/services/1/history?range=5m');
  const traffic = async () => {
    await eventually(async () => (await get<StatsDto>('/stats')).services[0]?.backends[0]?.health === 'up');
    for (let i = 0; i < 10; i++) expect((await tcpRoundTrip(listenPort, 'history')).toString()).toBe('history');
  };
  // The time of the newest slot with new connections.
  const lastBusy = (h: HistoryDto) => h.times.filter((_, i) => (h.service.newPerSec[i] ?? 0) > 0).at(-1);

  const first = run(args, env);
  await first.waitFor(/fulcrum: dashboard /);
  await traffic();
  const busyBefore = await eventually(async () => lastBusy(await history()));
  process.kill(first.child.pid!, 'SIGTERM');
  expect(await first.exit()).toBe(0);
  const stoppedAt = Date.now();
  // The admin stays down for at least two whole slots (1 s each at 200 ms buckets) before it comes back.
  await eventually(() => Date.now() > stoppedAt + 2500, 5000, 100);

  const second = run(args, env);
  await second.waitFor(/fulcrum: dashboard /);
  const restartedAt = Date.now();
  await traffic();
  const after = await eventually(async () => {
    const h = await history();
    return (lastBusy(h) ?? 0) > restartedAt - h.stepMs ? h : undefined;
  });
  // The points of the first run are still there …
  expect(after.times).toContain(busyBefore);
  expect(after.service.newPerSec[after.times.indexOf(busyBefore)]).toBeGreaterThan(0);
  // … and the slots wholly inside the downtime are gaps.
  const down = after.times.map((time, i) => [time, i] as const).filter(([time]) => time >= stoppedAt && time + after.stepMs <= restartedAt - 500);
  expect(down.length).toBeGreaterThanOrEqual(1);
  for (const [, i] of down) {
    expect(after.service.active[i]).toBeNull();
    expect(after.backends[0]?.newPerSec[i]).toBeNull();
  }
  process.kill(second.child.pid!, 'SIGTERM');
  expect(await second.exit()).toBe(0);
  expect(second.stderr()).toBe('');
});
