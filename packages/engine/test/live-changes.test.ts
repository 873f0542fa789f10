// Live reconfiguration under traffic: strategy switches, weight changes and backend
// removal/addition while real Redis clients run. The invariant: zero failed client operations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import { STRATEGY_NAMES } from '@fulcrum/shared/strategies';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import type { BackendConfig, ServiceConfig } from '../src/config.ts';
import { backend, config, deadPort, service, waitFor } from './helpers.ts';
import { redisCommand, startRedisOn, type RedisProcess } from './redis-process.ts';

/** A persistent client: sends PING, waits for +PONG, repeats; counts failures. */
async function persistentClient(port: number, until: () => boolean, stats: { ok: number; failed: number }): Promise<void> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await once(s, 'connect');
  let pending: ((line: string) => void) | null = null;
  let buf = '';
  s.on('data', (d) => {
    buf += String(d);
    const i = buf.indexOf('\r\n');
    if (i >= 0 && pending !== null) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const p = pending;
      pending = null;
      p(line);
    }
  });
  let closed = false;
  s.on('close', () => {
    closed = true;
    pending?.('closed');
  });
  while (!until()) {
    if (closed) {
      stats.failed++;
      return;
    }
    const reply = await new Promise<string>((resolve) => {
      pending = resolve;
      s.write('PING\r\n');
    });
    if (reply === '+PONG') stats.ok++;
    else stats.failed++;
  }
  s.end();
}

describe('live changes under traffic', () => {
  const redises: RedisProcess[] = [];
  let lb: LoadBalancer;
  beforeAll(async () => {
    for (let i = 0; i < 4; i++) redises.push(await startRedisOn(await deadPort()));
  });
  afterAll(async () => {
    await lb?.close();
    await Promise.all(redises.map((r) => r.stop()));
  });

  it('switching every strategy, changing weights and removing/adding backends fails zero client operations', async () => {
    const [b0, b1, b2, b3] = redises.map((r) => backend(r.port)) as [BackendConfig, BackendConfig, BackendConfig, BackendConfig];
    lb = createLoadBalancer();
    let svc: ServiceConfig = service([b0, b1, b2]);
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;

    let stop = false;
    const deadline = Date.now() + 20_000; // hard bound even if something hangs
    const until = (): boolean => stop || Date.now() > deadline;
    const shortStats = { ok: 0, failed: 0 };
    const longStats = { ok: 0, failed: 0 };
    const errors: string[] = [];
    // 6 loops opening a new connection per command (bounded by `until`), 4 persistent clients.
    const shortLoops = Array.from({ length: 6 }, async (_, k) => {
      let i = 0;
      while (!until()) {
        try {
          const r = await redisCommand(port, i % 2 === 0 ? `SET k${k} v${i}` : `GET k${k}`);
          if (r.startsWith('+') || r.startsWith('$')) shortStats.ok++;
          else shortStats.failed++;
        } catch (e) {
          shortStats.failed++;
          errors.push(String(e));
        }
        i++;
      }
    });
    const longLoops = Array.from({ length: 4 }, () => persistentClient(port, until, longStats));

    const apply = async (next: ServiceConfig): Promise<void> => {
      svc = next;
      await lb.apply(config(svc));
      // Hold each config until traffic has run under it: new connections (picked by the new
      // strategy and backend list) and commands on the persistent ones.
      const ops = (st: { ok: number; failed: number }): number => st.ok + st.failed;
      const [short0, long0] = [ops(shortStats), ops(longStats)];
      await waitFor(() => until() || (ops(shortStats) >= short0 + 12 && ops(longStats) >= long0 + 8), 'traffic under the new config', 10_000);
    };
    for (const strategy of STRATEGY_NAMES) await apply({ ...svc, strategy });
    await apply({ ...svc, backends: [{ ...b0, weight: 5 }, { ...b1, weight: 1 }, b2], strategy: 'weighted-round-robin' });
    await apply({ ...svc, backends: [{ ...b0, weight: 5 }, b2] }); // remove b1: drains
    await apply({ ...svc, backends: [{ ...b0, weight: 5 }, b2, b3] }); // add b3
    await apply({ ...svc, backends: [{ ...b0, weight: 5 }, { ...b2, state: 'draining' }, b3, b1], strategy: 'least-connections' });
    await apply({ ...svc, backends: [b0, { ...b2, state: 'disabled' }, b3, b1], strategy: 'consistent-hash' });
    await apply({ ...svc, backends: [b0, b2, b3, b1], strategy: 'power-of-two' });
    stop = true;
    await Promise.all([...shortLoops, ...longLoops]);

    expect(errors).toEqual([]);
    expect(shortStats.failed).toBe(0);
    expect(longStats.failed).toBe(0);
    expect(shortStats.ok).toBeGreaterThan(50);
    expect(longStats.ok).toBeGreaterThan(50);
    const st = lb.stats().services[0]!;
    expect(st.rejected).toBe(0);
    // Traffic really moved: the backend added mid-run served connections.
    expect(st.backends.find((b) => b.id === b3.id)!.total).toBeGreaterThan(0);
  });
});
