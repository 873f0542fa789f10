// A "write endpoint" in front of a real Redis primary/replica pair: only the primary is up; after
// a failover (REPLICAOF NO ONE on the replica, REPLICAOF on the old primary) during a bounded
// client load, the service follows by itself and writes land on the new primary only.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoadBalancer, type LoadBalancer } from '../../src/load-balancer.ts';
import type { BackendHealthEvent } from '../../src/events.ts';
import { encodeCommand, readResp, type RespValue } from '../../src/health/resp-reply.ts';
import { backend, config, service, waitFor } from '../helpers.ts';
import { CHECKER, TRAFFIC_PASSWORD, failover, redisCall, roleOf, startRedisPair, text, type RedisNode } from './redis-pair.ts';

/** One client write through the balancer on a new connection: AUTH, SET; the SET's reply text (or the socket error). */
function writeThrough(port: number, key: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const done = (result: string) => {
      clearTimeout(timer);
      s.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('client timeout'), 2000);
    s.on('error', (e: NodeJS.ErrnoException) => done(`socket ${e.code ?? 'error'}`));
    s.on('close', () => done('closed'));
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const auth = readResp(buf);
      if (auth == null) return;
      const set = readResp(buf, auth.next);
      if (set === undefined) return;
      done(set === null ? 'garbage' : text(set.value as RespValue));
    });
    s.write(Buffer.concat([encodeCommand(['AUTH', TRAFFIC_PASSWORD]), encodeCommand(['SET', key, 'v'])]));
  });
}

describe('redis write endpoint follows a failover', () => {
  let lb: LoadBalancer | undefined;
  const nodes: RedisNode[] = [];
  afterEach(async () => {
    await lb?.close();
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
  });

  it('only the primary is up; after the failover the new primary is, within rise × interval, and the writes go there', async () => {
    const { primary: a, replica: b } = await startRedisPair();
    nodes.push(a, b);
    lb = createLoadBalancer();
    const ba = backend(a.port);
    const bb = backend(b.port);
    const interval = 200;
    const hc = { type: 'redis', role: 'primary', ...CHECKER, intervalMs: interval, timeoutMs: 500, rise: 2, fall: 2, passiveFailures: 0, closeOnDown: true } as const;
    const svc = service([ba, bb], { retries: 0, healthCheck: { ...service([]).healthCheck, ...hc } });
    const events: BackendHealthEvent[] = [];
    lb.on('backend-health', (e) => events.push(e));
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const health = (id: number) => lb!.stats().services[0]?.backends.find((x) => x.id === id);
    await waitFor(() => health(ba.id)?.health === 'up' && health(bb.id)?.health === 'down', 'primary up, replica down');
    expect(events.find((e) => e.backendId === bb.id && e.to === 'down')?.reason).toBe('fall: 2 × role is replica');

    // Bounded load: at most 3000 writes; the loop ends 100 writes after the service followed.
    const results: { i: number; reply: string; afterFollow: boolean }[] = [];
    let followed = false;
    let stopAfter = Infinity;
    const load = (async () => {
      for (let i = 0; i < 3000 && i < stopAfter; i++) {
        const afterFollow = followed;
        results.push({ i, reply: await writeThrough(port, `k:${i}`), afterFollow });
        if (afterFollow && stopAfter === Infinity) stopAfter = i + 100;
      }
    })();
    await waitFor(() => results.filter((r) => r.reply === 'OK').length >= 20, 'writes before the failover');
    expect(results.every((r) => r.reply === 'OK')).toBe(true);

    await failover(a, b);
    expect(await roleOf(b.port)).toMatch(/^master/);
    // b must pass `rise` checks after its promotion: rise × interval (+10% jitter) + one
    // interval until its next check + one check timeout; 3 s of slack for a loaded machine.
    const bound = hc.rise * interval * 1.1 + interval * 1.1 + hc.timeoutMs + 3000;
    await waitFor(() => health(bb.id)?.health === 'up' && health(ba.id)?.health === 'down', 'service follows the failover', bound);
    followed = true;
    const totalToOld = health(ba.id)!.total;
    await load;
    expect(events.find((e) => e.backendId === ba.id && e.from === 'up' && e.to === 'down')?.reason).toBe('fall: 2 × role is replica');
    expect(events.find((e) => e.backendId === bb.id && e.from === 'down' && e.to === 'up')?.reason).toBe('rise: 2 × ok');

    const after = results.filter((r) => r.afterFollow);
    expect(after.length).toBe(100);
    // Every write after the service followed succeeded (a replica would answer READONLY) …
    expect(after.filter((r) => r.reply !== 'OK')).toEqual([]);
    // … no new connection went to the old primary …
    expect(health(ba.id)!.total).toBe(totalToOld);
    // … and the new primary holds them.
    const stored = await redisCall(b.port, [['EXISTS', ...after.map((r) => `k:${r.i}`)]]);
    expect(text(stored[0])).toBe(String(after.length));
    expect(await roleOf(a.port)).toMatch(/^slave/);
  }, 60_000);
});
