import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import type { BackendDrainedEvent } from '../src/events.ts';
import { backend, config, connect, deadPort, exchange, nextData, service, startEcho, startServer, waitFor, type TestServer } from './helpers.ts';

describe('balancing, retries and live changes', () => {
  let lb: LoadBalancer;
  const servers: TestServer[] = [];
  afterEach(async () => {
    await lb?.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function echoes(n: number): Promise<TestServer[]> {
    const list = await Promise.all(Array.from({ length: n }, () => startEcho()));
    servers.push(...list);
    return list;
  }

  it('round-robin alternates new connections between backends', async () => {
    const [a, b] = await echoes(2);
    lb = createLoadBalancer();
    const svc = service([backend(a!.port), backend(b!.port)]);
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    for (let i = 0; i < 10; i++) expect((await exchange(port, Buffer.from('ping'))).toString()).toBe('ping');
    expect(a!.accepted).toBe(5);
    expect(b!.accepted).toBe(5);
  });

  it('a backend that refuses is retried on another backend; every client is served', async () => {
    const [ok] = await echoes(1);
    const dead = await deadPort();
    lb = createLoadBalancer();
    const svc = service([backend(dead), backend(ok!.port)], { retries: 2 });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    for (let i = 0; i < 10; i++) expect((await exchange(port, Buffer.from(`m${i}`))).toString()).toBe(`m${i}`);
    const st = lb.stats().services[0]!;
    expect(ok!.accepted).toBe(10);
    expect(st.backends.find((b) => b.address.endsWith(`:${dead}`))?.connectFailures).toBeGreaterThan(0);
    expect(st.retries).toBeGreaterThan(0);
    expect(st.rejected).toBe(0);
  });

  it('when no backend can take the connection the client is closed promptly and counted as rejected', async () => {
    lb = createLoadBalancer();
    const svc = service([backend(await deadPort()), backend(await deadPort())], { retries: 5 });
    await lb.apply(config(svc));
    const c = await connect(lb.listenPort(svc.id) as number);
    await once(c, 'close');
    await waitFor(() => lb.stats().services[0]?.active === 0, 'teardown');
    expect(lb.stats().services[0]?.rejected).toBe(1);
    // Both backends were tried once each; retries never go back to a backend already tried.
    expect(lb.stats().services[0]?.backends.map((b) => b.connectFailures)).toEqual([1, 1]);
  });

  it('apply() with a listen port in use throws FULCRUM_ADDRESS_IN_USE and changes nothing', async () => {
    const [a] = await echoes(1);
    const squatter = await startServer(() => {});
    servers.push(squatter);
    lb = createLoadBalancer();
    const svc = service([backend(a!.port)]);
    await lb.apply(config(svc));
    const before = lb.config;
    const clash = service([backend(a!.port)], { port: squatter.port });
    await expect(lb.apply(config(svc, clash))).rejects.toMatchObject({ code: 'FULCRUM_ADDRESS_IN_USE', field: 'listen' });
    expect(lb.config).toEqual(before);
    expect(lb.stats().services.map((s) => s.id)).toEqual([svc.id]);
    expect((await exchange(lb.listenPort(svc.id) as number, Buffer.from('still'))).toString()).toBe('still');
  });

  it('apply() rejects an invalid config naming the field, and keeps running the old one', async () => {
    const [a] = await echoes(1);
    lb = createLoadBalancer();
    const svc = service([backend(a!.port)]);
    await lb.apply(config(svc));
    const bad = { ...svc, backends: [backend(a!.port, { weight: -1 })] };
    await expect(lb.apply(config(bad))).rejects.toMatchObject({ code: 'FULCRUM_INVALID_CONFIG', field: 'services[0].backends[0].weight' });
    expect(lb.stats().services[0]?.backends[0]?.id).toBe(svc.backends[0]!.id);
  });

  it('removing a backend drains it: its established connection keeps working, new ones go elsewhere', async () => {
    const [a, b] = await echoes(2);
    lb = createLoadBalancer();
    const ba = backend(a!.port);
    const bb = backend(b!.port);
    const svc = service([ba, bb]);
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const held = await connect(port); // round-robin: goes to a
    await waitFor(() => a!.sockets.size === 1, 'held connection on a');
    const drained = once(lb, 'backend-drained') as Promise<[BackendDrainedEvent]>;
    await lb.apply(config({ ...svc, backends: [bb], strategy: 'least-connections' }));
    const removed = lb.stats().services[0]!.backends.find((x) => x.id === ba.id);
    expect(removed).toMatchObject({ removed: true, state: 'draining', active: 1 });
    for (let i = 0; i < 5; i++) await exchange(port, Buffer.from('n'));
    expect(a!.accepted).toBe(1);
    held.write('still alive');
    const [echoed] = await once(held, 'data');
    expect(String(echoed)).toBe('still alive');
    held.end();
    const [ev] = await drained;
    expect(ev).toMatchObject({ backendId: ba.id, removed: true, closedByTimeout: 0 });
    await waitFor(() => lb.stats().services[0]!.backends.length === 1, 'retired backend gone from stats');
  });

  it('a drain that outlives drainTimeoutMs closes the remaining connections', async () => {
    const [a, b] = await echoes(2);
    lb = createLoadBalancer();
    const ba = backend(a!.port);
    const svc = service([ba, backend(b!.port)], { drainTimeoutMs: 200 });
    await lb.apply(config(svc));
    const held = await connect(lb.listenPort(svc.id) as number);
    await waitFor(() => a!.sockets.size === 1, 'held');
    const drained = once(lb, 'backend-drained') as Promise<[BackendDrainedEvent]>;
    await lb.apply(config({ ...svc, backends: svc.backends.map((x) => (x.id === ba.id ? { ...x, state: 'draining' as const } : x)) }));
    const [ev] = await drained;
    expect(ev).toMatchObject({ backendId: ba.id, removed: false, closedByTimeout: 1 });
    await once(held, 'close');
    // The connections the timeout closed end afterwards: the drain is still reported once.
    let again = 0;
    lb.on('backend-drained', () => again++);
    await waitFor(() => lb.stats().services[0]!.active === 0, 'closed connections ended');
    // A whole connection through the same service after that (to b): its start and end run
    // the same drain bookkeeping, and any deferred second report would have come by then.
    expect(String(await exchange(lb.listenPort(svc.id) as number, Buffer.from('later')))).toBe('later');
    expect(again).toBe(0);
  });

  it('idle timeout closes both sides of a silent connection', async () => {
    const [a] = await echoes(1);
    lb = createLoadBalancer();
    const svc = service([backend(a!.port)], { idleTimeoutMs: 150 });
    await lb.apply(config(svc));
    const c = await connect(lb.listenPort(svc.id) as number);
    await waitFor(() => a!.sockets.size === 1, 'accept');
    await once(c, 'close');
    await waitFor(() => a!.sockets.size === 0, 'backend side closed');
  });

  it('idle timeout counts traffic either way: a connection that talks outlives it, then goes once quiet', async () => {
    // The backend talks on its own for a while (backend → client only), then falls silent.
    const srv = await startServer((s) => {
      let n = 0;
      const tick = setInterval(() => (++n <= 8 ? s.write('.') : clearInterval(tick)), 100);
      s.on('close', () => clearInterval(tick));
    });
    servers.push(srv);
    lb = createLoadBalancer();
    const svc = service([backend(srv.port)], { idleTimeoutMs: 500 });
    await lb.apply(config(svc));
    const c = await connect(lb.listenPort(svc.id) as number);
    let got = 0;
    c.on('data', (d: Buffer) => (got += d.length));
    await once(c, 'close');
    // 8 dots 100 ms apart keep it open past 500 ms; it closes only after they stop.
    expect(got).toBe(8);

    // Client → backend traffic alone keeps it open too (the backend only reads).
    const sink = await startServer((s) => void s.resume());
    servers.push(sink);
    const svc2 = service([backend(sink.port)], { idleTimeoutMs: 500 });
    await lb.apply(config(svc, svc2));
    const c2 = await connect(lb.listenPort(svc2.id) as number);
    let closed = false;
    c2.on('close', () => (closed = true));
    // The client writes one byte per tick of a metronome — the talking server above, reached
    // directly — so its writes are spread over 800 ms (past the 500 ms timeout) exactly as the
    // backend's dots were: client → backend bytes alone must keep the connection open.
    const metronome = await connect(srv.port);
    let ticks = 0;
    metronome.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length; i++) if (!closed) c2.write('x');
      ticks += d.length;
    });
    await waitFor(() => ticks >= 8 || closed, 'eight ticks of the metronome');
    metronome.destroy();
    expect(closed).toBe(false);
    await once(c2, 'close');
  });

  it('a disabled backend gets no new connections; weight 0 likewise', async () => {
    const [a, b, c] = await echoes(3);
    lb = createLoadBalancer();
    const svc = service([backend(a!.port, { state: 'disabled' }), backend(b!.port, { weight: 0 }), backend(c!.port)]);
    await lb.apply(config(svc));
    for (let i = 0; i < 6; i++) await exchange(lb.listenPort(svc.id) as number, Buffer.from('x'));
    expect([a!.accepted, b!.accepted, c!.accepted]).toEqual([0, 0, 6]);
  });

  it('removing a service closes its port but not its established connections', async () => {
    const [a] = await echoes(1);
    lb = createLoadBalancer();
    const svc = service([backend(a!.port)]);
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const held = await connect(port);
    await waitFor(() => a!.sockets.size === 1, 'accept');
    await lb.apply(config());
    await expect(connect(port)).rejects.toThrow();
    held.write('ok');
    const [d] = await once(held, 'data');
    expect(String(d)).toBe('ok');
    held.destroy();
  });
});

describe('drainTimeoutMs 0', () => {
  it('means no limit: a draining backend keeps its connection until the client closes it', async () => {
    const a = await startEcho();
    const b = await startEcho();
    const lb = createLoadBalancer();
    try {
      const ba = backend(a.port);
      const svc = service([ba, backend(b.port)], { drainTimeoutMs: 0 });
      await lb.apply(config(svc));
      const held = await connect(lb.listenPort(svc.id) as number);
      await waitFor(() => a.sockets.size === 1, 'held on a');
      const drained = once(lb, 'backend-drained') as Promise<[BackendDrainedEvent]>;
      await lb.apply(config({ ...svc, backends: [svc.backends[1]!] }));
      // Three whole connections through the service (to b) first: a drain timer taking 0 as
      // "at once" would have fired meanwhile; then a round trip on the held connection.
      for (let i = 0; i < 3; i++) expect(String(await exchange(lb.listenPort(svc.id) as number, Buffer.from('b')))).toBe('b');
      held.write('still here');
      const d = await nextData(held);
      expect(String(d)).toBe('still here');
      held.end();
      const [ev] = await drained;
      expect(ev).toMatchObject({ backendId: ba.id, closedByTimeout: 0, serviceName: svc.name });
    } finally {
      await lb.close();
      await a.close();
      await b.close();
    }
  });
});
