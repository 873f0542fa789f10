// maxConnectionLifetimeMs over real sockets: a connection older than the lifetime (± jitter) ends
// with FIN both ways after the reply in flight (byte-exact, never a reset); a pool that reconnects
// spreads onto a backend added since; the jitter spreads the closes over several sweeps; a live
// change applies to open connections and 0 stops closing.
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { lifetimeScale, sweepIntervalMs } from '../src/connection-lifetime.ts';
import { backend, config, connect, service, startEcho, startServer, waitFor } from './helpers.ts';
import { closeWatch } from './fixtures/close-watch.ts';

describe('maxConnectionLifetimeMs', () => {
  let lb: LoadBalancer;
  const { servers, sockets, seen, watchCloses, release } = closeWatch();
  afterEach(() => release(lb));

  it('jitter scales are spread evenly over ±10 %, and the sweep is finer than the jitter band', () => {
    const scales = Array.from({ length: 20 }, (_, i) => lifetimeScale(i + 1));
    for (const s of scales) expect(s >= 0.9 && s < 1.1).toBe(true);
    // Every fifth of the band holds some of 20 consecutive connections: not clumped.
    const fifths = new Set(scales.map((s) => Math.floor((s - 0.9) / 0.04)));
    expect(fifths.size).toBe(5);
    expect(sweepIntervalMs(0)).toBe(0);
    expect(sweepIntervalMs(1500)).toBe(75);
    expect(sweepIntervalMs(3_600_000)).toBe(1000);
  });

  it('ends a connection past its lifetime with FIN after the reply in flight, byte-exact, and counts it', async () => {
    const reply = randomBytes(2 * 1024 * 1024);
    // Holds its answer to "req" until our FIN arrives: the reply is in flight when the lifetime ends.
    const server = await startServer((s) => {
      let asked = false;
      s.on('data', (d: Buffer) => (asked ||= d.toString().includes('req')));
      s.on('end', () => (asked ? s.end(reply) : s.end()));
    }, { allowHalfOpen: true });
    servers.push(server);
    lb = createLoadBalancer();
    const svc = service([backend(server.port)], { maxConnectionLifetimeMs: 1500 });
    await lb.apply(config(svc));
    watchCloses();
    const started = performance.now();
    const client = await connect(lb.listenPort(svc.id) as number);
    sockets.push(client);
    const chunks: Buffer[] = [];
    const errors: string[] = [];
    client.on('data', (d: Buffer) => chunks.push(d));
    client.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
    client.write('req\n');
    await once(client, 'end');
    const age = performance.now() - started;
    const [hadError] = (await once(client, 'close')) as [boolean];
    expect(hadError).toBe(false);
    expect(errors).toEqual([]);
    expect(Buffer.concat(chunks).equals(reply)).toBe(true);
    // 1500 ms × (1 ± 0.1), plus at most one 75 ms sweep (and slack for a busy machine).
    expect(age).toBeGreaterThanOrEqual(1350 - 5);
    expect(age).toBeLessThan(1650 + 1000);
    await waitFor(() => seen.length === 1, 'the close message');
    expect(seen[0]?.reason).toBe('lifetime');
    expect(lb.stats().services[0]?.backends[0]?.closedByLifetime).toBe(1);
  });

  it('a pool that reconnects spreads onto a backend added later; the jitter spreads the closes', async () => {
    const a = await startEcho();
    const b = await startEcho();
    servers.push(a, b);
    lb = createLoadBalancer();
    const ba = backend(a.port);
    const svc = service([ba], { maxConnectionLifetimeMs: 1500 });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const ends: number[] = [];
    let stopped = false;
    // A pool of 10 long-lived connections: each one that ends (FIN) is replaced by a new one.
    const open = async (): Promise<void> => {
      const s = await connect(port);
      sockets.push(s);
      s.on('end', () => {
        ends.push(performance.now());
        s.end();
        // A reconnect still in flight when the test closes the balancer is refused: not a failure
        // (the counts above are what the test checks).
        if (!stopped) open().catch(() => {});
      });
    };
    await Promise.all(Array.from({ length: 10 }, () => open()));
    await waitFor(() => a.accepted === 10, 'the pool on backend A');
    // Backend B joins; nothing moves until the lifetime ends the pool's connections.
    await lb.apply(config({ ...svc, backends: [ba, backend(b.port)] }));
    await waitFor(() => ends.length >= 10, 'every first-generation connection to end', 6000);
    await waitFor(() => b.sockets.size >= 4, 'reconnected clients on backend B', 3000);
    stopped = true;
    // Round-robin put about half of the reconnections on B.
    expect(b.accepted).toBeGreaterThanOrEqual(4);
    // The closes fell into more than one sweep (sweeps are 75 ms apart; closes of one sweep land together).
    const sorted = ends.slice(0, 10).sort((x, y) => x - y);
    let sweeps = 1;
    for (let i = 1; i < sorted.length; i++) if ((sorted[i] as number) - (sorted[i - 1] as number) > 30) sweeps++;
    expect(sweeps).toBeGreaterThan(1);
    const stats = lb.stats().services[0]?.backends.find((x) => x.id === ba.id);
    expect(stats?.closedByLifetime).toBeGreaterThanOrEqual(10);
  });

  it('a live change applies to open connections; 0 stops closing', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer();
    const kept = service([backend(echo.port)], { maxConnectionLifetimeMs: 0 });
    const probe = service([backend(echo.port)], { maxConnectionLifetimeMs: 0 });
    await lb.apply(config(kept, probe));
    const keptClient = await connect(lb.listenPort(kept.id) as number);
    const probeClient = await connect(lb.listenPort(probe.id) as number);
    sockets.push(keptClient, probeClient);
    let keptEnded = false;
    keptClient.on('end', () => (keptEnded = true));
    // Both connections are open before either service has a lifetime: it applies to them live.
    await lb.apply(config({ ...kept, maxConnectionLifetimeMs: 600 }, { ...probe, maxConnectionLifetimeMs: 600 }));
    await once(keptClient, 'end');
    // Turned off again: an open connection is never ended by its age, however old it gets.
    const again = await connect(lb.listenPort(kept.id) as number);
    sockets.push(again);
    again.on('end', () => (keptEnded = true));
    keptEnded = false;
    const probeAgain = await connect(lb.listenPort(probe.id) as number);
    sockets.push(probeAgain);
    await lb.apply(config({ ...kept, maxConnectionLifetimeMs: 0 }, { ...probe, maxConnectionLifetimeMs: 600 }));
    // The probe, as old as `again`, reaches its lifetime: by then `again` would have too.
    await once(probeAgain, 'end');
    expect(keptEnded).toBe(false);
    again.write('still here\n');
    const [echoed] = (await once(again, 'data')) as [Buffer];
    expect(echoed.toString()).toBe('still here\n');
  });
});
