// Health with `--workers 2`: checks run once, in the primary, and every worker follows them; a
// dead backend found by real traffic in any worker (passive) is ejected in all of them; each
// transition is logged once, not once per worker.
import { expect, it } from 'vitest';
import type { EventDto, ServiceDto } from '@fulcrum/shared/api';
import { eventually, freePort } from '../helpers.ts';
import type { TcpServer } from '../helpers.ts';
import { echoOnce, shareWorkersWithEcho } from './harness.ts';
import type { Fulcrum } from './harness.ts';

let f: Fulcrum;
let alive: TcpServer;

shareWorkersWithEcho((started) => ({ f, echo: alive } = started));

async function service(healthCheck: Record<string, unknown>): Promise<{ svc: ServiceDto; port: number; deadAddress: string }> {
  const port = await freePort();
  const deadAddress = `127.0.0.1:${await freePort()}`; // nothing listens: connect refused
  const res = await f.api<ServiceDto>('POST', '/api/services', {
    name: `health-${port}`,
    listen: `127.0.0.1:${port}`,
    retries: 2,
    healthCheck,
    backends: [{ address: `127.0.0.1:${alive.port}` }, { address: deadAddress }],
  });
  expect(res.status).toBe(201);
  return { svc: res.body, port, deadAddress };
}

async function backendStats(serviceId: number, address: string) {
  return (await f.stats()).services.find((s) => s.id === serviceId)?.backends.find((b) => b.address === address);
}

/**
 * The service's counters once every one of its `clients` connections has been counted and has
 * closed in the primary's merged view: each worker's latest batch is then newer than all of them.
 */
async function settled(serviceId: number, clients: number) {
  return eventually(async () => {
    const s = (await f.stats()).services.find((x) => x.id === serviceId);
    return s !== undefined && s.total === clients && s.active === 0 ? s : undefined;
  });
}

async function healthEvents(serviceId: number, address: string): Promise<EventDto[]> {
  const page = (await f.api<{ events: EventDto[] }>('GET', `/api/events?limit=500`)).body;
  return page.events.filter((e) => e.kind === 'backend-health' && e.serviceId === serviceId && e.details.address === address);
}

it('active checks in the primary mark a dead backend down in every worker, logged once', async () => {
  const { svc, port, deadAddress } = await service({ type: 'tcp', intervalMs: 200, timeoutMs: 200, fall: 1, rise: 1 });
  await eventually(async () => (await backendStats(svc.id, deadAddress))?.health === 'down');
  await eventually(async () => (await backendStats(svc.id, `127.0.0.1:${alive.port}`))?.health === 'up');
  for (let i = 0; i < 30; i++) expect(await echoOnce(port, `hc ${i}`)).toBe(`hc ${i}`);
  const dead = await eventually(async () => {
    const b = await backendStats(svc.id, deadAddress);
    const workers = await f.workers();
    return workers.workers.every((w) => w.active === 0) && b ? b : undefined;
  });
  // Neither worker ever tried the dead backend: they only run what the primary decided.
  expect(dead.total).toBe(0);
  expect(dead.connectFailures).toBe(0);
  // The detail comes from the primary's checker too: why, since when, the last probe.
  expect(dead.check).toMatchObject({ reason: 'fall: 1 × connect refused', lastOk: false, lastMessage: 'connect refused' });
  expect(dead.check!.since).toBeGreaterThan(0);
  expect(dead.check!.consecutiveFailures).toBeGreaterThanOrEqual(1);
  expect(typeof dead.check!.lastDurationMs).toBe('number');
  const events = await healthEvents(svc.id, deadAddress);
  expect(events.filter((e) => e.details.to === 'down')).toHaveLength(1);
});

it('a passive ejection seen by one worker stops every worker from using the backend', async () => {
  // No active checks: both backends are up at once; only real connect failures can eject.
  // The ejection period is the check interval: long enough to outlast the test.
  const { svc, port, deadAddress } = await service({ type: 'none', passiveFailures: 2, intervalMs: 60_000 });
  let served = 0;
  await eventually(async () => {
    for (let i = 0; i < 10; i++) {
      expect(await echoOnce(port, 'retried past the dead one')).toBe('retried past the dead one');
      served++;
    }
    return (await backendStats(svc.id, deadAddress))?.health === 'down';
  }, 30_000);
  expect(served).toBeGreaterThan(0);
  const events = await eventually(async () => {
    const list = await healthEvents(svc.id, deadAddress);
    return list.some((e) => e.details.to === 'down') ? list : undefined;
  });
  expect(events.filter((e) => e.details.to === 'down')).toHaveLength(1);
  expect(String(events.find((e) => e.details.to === 'down')?.details.reason)).toMatch(/^passive: 2 × connect refused/);

  // Ejected everywhere: more traffic adds no failures on it, in any worker. Compared between two
  // settled views (every client counted and closed), so no batch still in flight can add one.
  const failuresAtEjection = (await settled(svc.id, served)).backends.find((b) => b.address === deadAddress)!.connectFailures;
  expect(failuresAtEjection).toBeGreaterThanOrEqual(2);
  const ejected = (await backendStats(svc.id, deadAddress))!;
  expect(ejected.check?.reason).toMatch(/^passive: 2 × connect refused/);
  // The workers' recent failures add up (all of them within the last minute).
  expect(ejected.failureRate).toBeGreaterThan(0);
  for (let i = 0; i < 40; i++) expect(await echoOnce(port, `after ${i}`)).toBe(`after ${i}`);
  const after = await settled(svc.id, served + 40);
  expect(after.backends.find((b) => b.address === deadAddress)!.connectFailures).toBe(failuresAtEjection);
});

it('a backend that comes back after an ejection and fails again is ejected again, every time', async () => {
  // Ejection period = check interval (1 s, doubling on flaps): it comes back, fails real traffic,
  // goes down again. By the third time every worker has seen a full streak before.
  const { svc, port, deadAddress } = await service({ type: 'none', passiveFailures: 2, intervalMs: 1000 });
  const downs = async () => (await healthEvents(svc.id, deadAddress)).filter((e) => e.details.to === 'down').length;
  await eventually(async () => {
    for (let i = 0; i < 10; i++) expect(await echoOnce(port, 'again')).toBe('again');
    return (await downs()) >= 3;
  }, 25_000);
  const events = await healthEvents(svc.id, deadAddress);
  expect(events.map((e) => e.details.to)).toEqual(expect.arrayContaining(['down', 'up', 'down', 'up', 'down']));
});
