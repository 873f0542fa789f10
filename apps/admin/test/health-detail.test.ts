// Health detail in live stats through the whole admin, against a real redis-server: why a backend
// is in its state and since when, the last probe's result and duration, the streaks, the role a
// role check saw; and failed connects as a recent rate. Killing and restarting the server drives it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { BackendStatsDto, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { api, eventually, freePort, startApp } from './helpers.ts';

const children: ChildProcess[] = [];
let t: TestApp | undefined;
const dir = mkdtempSync(join(tmpdir(), 'fulcrum-health-detail-'));

afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const c of children.splice(0)) await stop(c);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = once(c, 'exit');
  c.kill('SIGKILL');
  await exited;
}

/** True once redis answers PING on `port`. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(false));
    s.on('error', () => done(false));
    s.on('data', (d) => done(String(d).startsWith('+PONG')));
    s.write('PING\r\n');
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.push(child);
  await eventually(() => pong(port));
  return child;
}

async function backendStats(serviceId: number, backendId: number): Promise<BackendStatsDto | undefined> {
  const res = await api(t!.app, 'GET', '/api/stats');
  return res.json<StatsDto>().services.find((s) => s.id === serviceId)?.backends.find((b) => b.id === backendId);
}

async function createService(body: Record<string, unknown>): Promise<ServiceDto> {
  const res = await api(t!.app, 'POST', '/api/services', { listen: `127.0.0.1:${await freePort()}`, ...body });
  expect(res.statusCode).toBe(201);
  return res.json<ServiceDto>();
}

/** One client through the service; resolves when Fulcrum closes it (the backend refused). */
function clientClosed(port: number): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    s.on('close', () => resolve());
    s.setTimeout(5000, () => s.destroy());
  });
}

describe('health detail in /api/stats', () => {
  it('a killed redis is down "connect refused" since it fell, failures counting; back up, the reason and since change', async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    t = await startApp();
    const svc = await createService({
      name: 'cache',
      healthCheck: { type: 'redis', intervalMs: 150, timeoutMs: 500, rise: 2, fall: 2 },
      backends: [{ address: `127.0.0.1:${port}` }],
    });
    const id = svc.backends[0]!.id;

    const up = await eventually(async () => {
      const b = await backendStats(svc.id, id);
      return b?.health === 'up' && b.check?.lastOk === true ? b : undefined;
    });
    expect(up.check).toMatchObject({ reason: 'first check ok', lastMessage: null, consecutiveFailures: 0, role: null });
    expect(up.check!.consecutiveSuccesses).toBeGreaterThanOrEqual(1);
    expect(typeof up.check!.lastDurationMs).toBe('number');
    expect(up.check!.since).toBeGreaterThan(Date.now() - 60_000);
    expect(up.check!.lastAt).toBeGreaterThanOrEqual(up.check!.since!);
    expect(up.failureRate).toBe(0);

    const killedAt = Date.now();
    await stop(redis);
    const down = await eventually(async () => {
      const b = await backendStats(svc.id, id);
      return b?.health === 'down' ? b : undefined;
    });
    const check = down.check!;
    expect(check.reason).toBe('fall: 2 × connect refused');
    expect(check.since).toBeGreaterThanOrEqual(killedAt);
    expect(check.since).toBeGreaterThan(up.check!.since!);
    expect(check).toMatchObject({ lastOk: false, lastMessage: 'connect refused', consecutiveSuccesses: 0 });
    expect(check.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(typeof check.lastDurationMs).toBe('number');
    // Still failing: the streak keeps counting, the reason and since stay those of the transition.
    const later = await eventually(async () => {
      const b = await backendStats(svc.id, id);
      return (b?.check?.consecutiveFailures ?? 0) > check.consecutiveFailures ? b : undefined;
    });
    expect(later.check).toMatchObject({ reason: check.reason, since: check.since });
    expect(later.check!.lastAt).toBeGreaterThan(check.lastAt!);

    const restartedAt = Date.now();
    await startRedis(port);
    const back = await eventually(async () => {
      const b = await backendStats(svc.id, id);
      return b?.health === 'up' ? b : undefined;
    });
    expect(back.check).toMatchObject({ reason: 'rise: 2 × ok', lastOk: true, lastMessage: null, consecutiveFailures: 0 });
    expect(back.check!.since).toBeGreaterThanOrEqual(restartedAt);
    expect(back.check!.consecutiveSuccesses).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('a role check reports the role it saw, also when that role makes the backend down', async () => {
    const port = await freePort();
    await startRedis(port);
    t = await startApp();
    const primaryOnly = await createService({
      name: 'write',
      healthCheck: { type: 'redis', role: 'primary', intervalMs: 150, timeoutMs: 500, rise: 1, fall: 1 },
      backends: [{ address: `127.0.0.1:${port}` }],
    });
    const replicaOnly = await createService({
      name: 'read',
      healthCheck: { type: 'redis', role: 'replica', intervalMs: 150, timeoutMs: 500, rise: 1, fall: 1 },
      backends: [{ address: `127.0.0.1:${port}` }],
    });
    const up = await eventually(async () => {
      const b = await backendStats(primaryOnly.id, primaryOnly.backends[0]!.id);
      return b?.health === 'up' ? b : undefined;
    });
    expect(up.check?.role).toBe('primary');
    const down = await eventually(async () => {
      const b = await backendStats(replicaOnly.id, replicaOnly.backends[0]!.id);
      return b?.health === 'down' ? b : undefined;
    });
    expect(down.check).toMatchObject({ reason: 'fall: 1 × role is primary', lastMessage: 'role is primary', role: 'primary' });
  }, 30_000);

  it('without any check the detail is null, and refused connects show as a rate over the last minute', async () => {
    t = await startApp();
    const deadPort = await freePort(); // nothing listens: every connect is refused
    const svc = await createService({
      name: 'unchecked',
      retries: 0,
      healthCheck: { type: 'none', passiveFailures: 0 },
      backends: [{ address: `127.0.0.1:${deadPort}` }],
    });
    const id = svc.backends[0]!.id;
    const listenPort = Number(svc.listen.split(':').pop());
    for (let i = 0; i < 6; i++) await clientClosed(listenPort);
    const b = await eventually(async () => {
      const s = await backendStats(svc.id, id);
      return s?.connectFailures === 6 ? s : undefined;
    });
    expect(b.check).toBeNull();
    // 6 failures in the 60 s window.
    expect(b.failureRate).toBeCloseTo(6 / 60, 5);
  }, 30_000);
});
