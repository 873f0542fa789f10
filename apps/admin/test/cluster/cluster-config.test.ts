// `fulcrum --workers 2`: config changes reach every worker, a refused change changes nothing
// anywhere, and the merged counters stay exact across a worker being SIGKILLed and replaced.
import { describe, expect, it } from 'vitest';
import type { ServiceDto } from '@fulcrum/shared/api';
import { eventually, startTcpServer } from '../helpers.ts';
import type { TcpServer } from '../helpers.ts';
import { createService, echoOnce, isRunning, onCleanup, shareWorkersWithEcho, workerTotals } from './harness.ts';
import type { Fulcrum } from './harness.ts';

let f: Fulcrum;
let echo: TcpServer;

shareWorkersWithEcho((started) => ({ f, echo } = started));

/** Makes `n` echo connections, `concurrency` at a time; every one must round-trip. */
async function connections(port: number, n: number, concurrency = 8): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < n) {
      started++;
      expect(await echoOnce(port, 'through a worker')).toBe('through a worker');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

const serviceTotal = async (id: number): Promise<number | undefined> => (await f.stats()).services.find((s) => s.id === id)?.total;

describe('fulcrum --workers 2', () => {
  it('runs two live workers on the same config version', async () => {
    const info = await f.workers();
    expect(info.mode).toBe('cluster');
    expect(info.workers).toHaveLength(2);
    expect(info.workers.every((w) => w.state === 'live' && w.configVersion === info.configVersion)).toBe(true);
    expect(new Set(info.workers.map((w) => w.pid)).size).toBe(2);
    expect(info.workers.every((w) => w.pid !== f.pid && isRunning(w.pid))).toBe(true);
  });

  it('a service created through the API is served by both workers', async () => {
    const before = (await f.workers()).configVersion ?? 0;
    const { service, port } = await createService(f, [echo.port]);
    const info = await f.workers();
    expect(info.configVersion).toBeGreaterThan(before);
    // 2xx = acknowledged by every live worker: each already runs the new version.
    expect(info.workers.map((w) => w.configVersion)).toEqual([info.configVersion, info.configVersion]);

    // Connections land in both workers (bounded: the kernel or the primary picks the worker).
    let made = 0;
    await eventually(async () => {
      await connections(port, 40);
      made += 40;
      const w = await f.workers();
      return made >= 200 || w.workers.every((x) => x.total > 0) ? w : undefined;
    }, 40_000);
    const spread = await eventually(async () => {
      const w = await f.workers();
      return w.workers.reduce((n, x) => n + x.total, 0) === made ? w : undefined;
    });
    expect(spread.workers.every((w) => w.total > 0)).toBe(true);
    expect(await serviceTotal(service.id)).toBe(made);
  });

  it('a port in use gets 409 and nothing changes, in the API or in any worker', async () => {
    const squatter = await startTcpServer(() => {});
    onCleanup(() => squatter.close());
    const servicesBefore = (await f.api<ServiceDto[]>('GET', '/api/services')).body;
    const before = await f.workers();

    const res = await f.api<{ code: string; field: string }>('POST', '/api/services', {
      name: 'squatted',
      listen: `127.0.0.1:${squatter.port}`,
      healthCheck: { type: 'none' },
      backends: [{ address: `127.0.0.1:${echo.port}` }],
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'ADDRESS_IN_USE', field: 'listen' });

    expect((await f.api<ServiceDto[]>('GET', '/api/services')).body).toEqual(servicesBefore);
    const after = await f.workers();
    expect(after.configVersion).toBe(before.configVersion);
    expect(after.workers.map((w) => [w.pid, w.configVersion])).toEqual(before.workers.map((w) => [w.pid, before.configVersion]));
    expect((await f.stats()).services.map((s) => s.name)).toEqual(servicesBefore.map((s) => s.name));

    // The cluster still takes changes afterwards.
    const next = await createService(f, [echo.port]);
    expect(await echoOnce(next.port, 'still works')).toBe('still works');
  });

  it('totals equal the connections made, also after a worker is SIGKILLed and replaced', async () => {
    const { service, port } = await createService(f, [echo.port]);
    await connections(port, 120);
    await eventually(async () => (await serviceTotal(service.id)) === 120);

    const before = await f.workers();
    const victim = before.workers[0]!;
    process.kill(victim.pid, 'SIGKILL');
    const replaced = await eventually(async () => {
      const info = await f.workers();
      const fresh = info.workers.filter((w) => w.pid !== victim.pid && !before.workers.some((b) => b.pid === w.pid));
      return info.workers.length === 2 && fresh.length === 1 && fresh[0]!.state === 'live' ? info : undefined;
    }, 40_000);
    expect(replaced.restarts).toBe(before.restarts + 1);
    expect(replaced.workers.every((w) => w.configVersion === replaced.configVersion)).toBe(true);
    expect(f.stderr()).toContain(`(pid ${victim.pid}) exited unexpectedly (signal SIGKILL)`);
    // The killed worker's counters are kept: nothing lost, nothing counted twice.
    expect(await serviceTotal(service.id)).toBe(120);

    // The replacement serves too (bounded: keep connecting until it has taken some).
    const fresh = replaced.workers.find((w) => !before.workers.some((b) => b.pid === w.pid))!;
    let made = 120;
    await eventually(async () => {
      await connections(port, 40);
      made += 40;
      const mine = (await f.workers()).workers.find((w) => w.pid === fresh.pid);
      return made >= 600 || (mine?.total ?? 0) > 0;
    }, 40_000);
    await eventually(async () => (await serviceTotal(service.id)) === made);
    expect((await f.workers()).workers.find((w) => w.pid === fresh.pid)?.total).toBeGreaterThan(0);
    // Stable: once each worker has reported newer counters (it took another connection), the sum is
    // still exactly the connections made: the killed worker's counters are not added twice.
    const reported = workerTotals(await f.workers());
    await eventually(async () => {
      await connections(port, 10);
      made += 10;
      const now = workerTotals(await f.workers());
      return made >= 1200 || [...reported].every(([pid, total]) => (now.get(pid) ?? 0) > total);
    }, 40_000);
    const now = workerTotals(await f.workers());
    expect([...reported].every(([pid, total]) => (now.get(pid) ?? 0) > total), 'each worker reported again').toBe(true);
    await eventually(async () => ((await serviceTotal(service.id)) ?? 0) >= made);
    expect(await serviceTotal(service.id)).toBe(made);
  });

  it('a worker that keeps dying is replaced with a growing back-off', async () => {
    const delays: string[] = [];
    let info = await f.workers();
    for (let round = 0; round < 3; round++) {
      // The newest worker: a replacement that dies young extends the streak.
      const victim = [...info.workers].sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0]!;
      const others = info.workers.map((w) => w.pid);
      process.kill(victim.pid, 'SIGKILL');
      info = await eventually(async () => {
        const next = await f.workers();
        return next.workers.length === 2 && next.workers.every((w) => w.state === 'live') && next.workers.some((w) => !others.includes(w.pid)) ? next : undefined;
      }, 40_000);
      const said = f.stderr().match(new RegExp(`\\(pid ${victim.pid}\\) exited unexpectedly \\(signal SIGKILL\\); starting a replacement in ([\\d.]+) s`));
      delays.push(said?.[1] ?? '?');
    }
    // Where the streak starts depends on how long the first victim had been up (10 s resets it).
    const [a, b, c] = delays.map(Number) as [number, number, number];
    expect([b / a, c / b]).toEqual([2, 2]);
    expect(a).toBeGreaterThanOrEqual(0.1);
  });
});
