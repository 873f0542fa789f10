// LoadBalancer.rebalance over real sockets: a backend's connections end gracefully (FIN, never a
// reset), spread over the window, the backend stays in rotation, other backends' connections are
// untouched; started/ended events; a second rebalance replaces the first; removal cancels it.
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import type net from 'node:net';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import type { RebalanceEndedEvent, RebalanceStartedEvent } from '../src/events.ts';
import { backend, config, connect, service, startEcho, waitFor, type TestServer } from './helpers.ts';

describe('rebalance', () => {
  let lb: LoadBalancer;
  const servers: TestServer[] = [];
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await lb?.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('ends every connection of one backend gracefully, spread over the window; others untouched', async () => {
    const a = await startEcho();
    const b = await startEcho();
    servers.push(a, b);
    lb = createLoadBalancer();
    const ba = backend(a.port);
    const bb = backend(b.port, { state: 'disabled' });
    const svc = service([ba, bb]);
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const onA: { s: net.Socket; endedAt: number; hadError: boolean | null }[] = [];
    for (let i = 0; i < 20; i++) {
      const s = await connect(port);
      sockets.push(s);
      const entry = { s, endedAt: 0, hadError: null as boolean | null };
      s.on('end', () => {
        entry.endedAt = performance.now();
        s.end();
      });
      s.on('close', (hadError: boolean) => (entry.hadError = hadError));
      onA.push(entry);
    }
    await waitFor(() => a.sockets.size === 20, '20 connections on A');
    // Three on B, which takes new connections only from now on.
    await lb.apply(config({ ...svc, backends: [ba, { ...bb, state: 'enabled' }] }));
    const onB: net.Socket[] = [];
    while (b.sockets.size < 3) {
      const s = await connect(port);
      sockets.push(s);
      s.write('x');
      await once(s, 'data');
      if (b.sockets.size > onB.length) onB.push(s);
    }
    const started: RebalanceStartedEvent[] = [];
    const ended: RebalanceEndedEvent[] = [];
    lb.on('rebalance-started', (e) => started.push(e));
    lb.on('rebalance-ended', (e) => ended.push(e));
    const aBefore = a.sockets.size;
    const t0 = performance.now();
    const answer = lb.rebalance(svc.id, ba.id, 2000);
    expect(answer?.connections).toBe(aBefore);
    expect(started).toMatchObject([{ serviceId: svc.id, backendId: ba.id, windowMs: 2000, connections: aBefore }]);
    await waitFor(() => ended.length === 1, 'the rebalance to end', 5000);
    expect(ended[0]).toMatchObject({ backendId: ba.id, outcome: 'done', closed: aBefore, rebalanceId: started[0]?.rebalanceId });
    await waitFor(() => onA.every((e) => e.hadError !== null), 'every A client to close');
    expect(onA.every((e) => e.hadError === false)).toBe(true);
    const times = onA.map((e) => e.endedAt - t0).sort((x, y) => x - y);
    // Spread: the first close comes after about 1/20 of the window, the last at its end.
    expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThanOrEqual(0.4 * 2000);
    // B's connections still relay.
    for (const s of onB) {
      s.write('still\n');
      const [d] = (await once(s, 'data')) as [Buffer];
      expect(d.toString()).toBe('still\n');
    }
    const stats = lb.stats().services[0]?.backends;
    expect(stats?.find((x) => x.id === ba.id)?.closedByRebalance).toBe(aBefore);
    expect(stats?.find((x) => x.id === bb.id)?.closedByRebalance).toBe(0);
    // A stays in rotation (unlike a drain).
    expect(stats?.find((x) => x.id === ba.id)?.state).toBe('enabled');
  });

  it('a second rebalance replaces the first; removing the backend cancels it; unknown ids answer null', async () => {
    const a = await startEcho();
    servers.push(a);
    lb = createLoadBalancer();
    const ba = backend(a.port);
    const svc = service([ba]);
    await lb.apply(config(svc));
    const s = await connect(lb.listenPort(svc.id) as number);
    sockets.push(s);
    s.write('x');
    await once(s, 'data');
    const ended: RebalanceEndedEvent[] = [];
    lb.on('rebalance-ended', (e) => ended.push(e));
    const first = lb.rebalance(svc.id, ba.id, 60_000);
    const second = lb.rebalance(svc.id, ba.id, 60_000);
    expect(ended).toMatchObject([{ rebalanceId: first?.rebalanceId, outcome: 'replaced', closed: 0 }]);
    await lb.apply(config({ ...svc, backends: [] }));
    expect(ended[1]).toMatchObject({ rebalanceId: second?.rebalanceId, outcome: 'cancelled', closed: 0 });
    expect(lb.rebalance(svc.id, ba.id, 1000)).toBeNull();
    expect(lb.rebalance(9999, ba.id, 1000)).toBeNull();
    // The connection was never ended by the cancelled rebalance: it drains as a removed backend's.
    s.write('y');
    const [d] = (await once(s, 'data')) as [Buffer];
    expect(d.toString()).toBe('y');
  });
});
