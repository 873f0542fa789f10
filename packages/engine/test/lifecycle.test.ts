// Connection lifecycle rules: connect timeout + redispatch, maxConnections + queue, backups.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { backend, config, connect, deadPort, exchange, service, startEcho, waitFor, type TestServer } from './helpers.ts';
import { startBlackhole } from './health/test-servers.ts';

// Both relays (README "Node releases"): the native one and the net.Socket fallback.
describe.each(['native', 'socket'] as const)('connection lifecycle (%s relay)', (relay) => {
  let lb: LoadBalancer;
  const servers: TestServer[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await lb?.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await Promise.all(cleanups.splice(0).map((f) => f()));
  });

  it('a connect timeout is retried on a different backend (redispatch)', async () => {
    const hole = await startBlackhole();
    cleanups.push(hole.stop);
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(hole.port), backend(echo.port)], { connectTimeoutMs: 150, retries: 1 });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    // Round-robin sends every other client to the black hole (passive health is off here);
    // each of those must still land on the echo server.
    expect((await exchange(port, Buffer.from('first'))).toString()).toBe('first');
    expect((await exchange(port, Buffer.from('second'))).toString()).toBe('second');
    const st = lb.stats().services[0]!;
    expect(st.backends.find((b) => b.address.endsWith(`:${hole.port}`))?.connectFailures).toBe(2);
    expect(st.retries).toBe(2);
    expect(st.rejected).toBe(0);
  });

  it('retries 0: a connect timeout rejects the client promptly', async () => {
    const hole = await startBlackhole();
    cleanups.push(hole.stop);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(hole.port)], { connectTimeoutMs: 100, retries: 0 });
    await lb.apply(config(svc));
    const c = await connect(lb.listenPort(svc.id) as number);
    await once(c, 'close');
    expect(lb.stats().services[0]?.rejected).toBe(1);
  });

  it('maxConnections + queue: a client waits for a free slot, the queue is bounded, and a queue timeout rejects', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port, { maxConnections: 1 })], { maxQueue: 1, queueTimeoutMs: 5000 });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const first = await connect(port);
    await waitFor(() => echo.sockets.size === 1, 'first connected');
    const second = await connect(port);
    await waitFor(() => lb.stats().services[0]?.queued === 1, 'second queued');
    second.write('queued hello');
    const third = await connect(port); // queue full → rejected at once
    await once(third, 'close');
    expect(lb.stats().services[0]?.rejected).toBe(1);
    expect(echo.accepted).toBe(1);
    first.destroy();
    const [data] = await once(second, 'data');
    expect(String(data)).toBe('queued hello');
    expect(echo.accepted).toBe(2);
    second.destroy();
  });

  it('queueTimeoutMs rejects a client that waited too long', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port, { maxConnections: 1 })], { maxQueue: 10, queueTimeoutMs: 100 });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const first = await connect(port);
    await waitFor(() => echo.sockets.size === 1, 'first connected');
    const waiting = await connect(port);
    await once(waiting, 'close');
    const st = lb.stats().services[0]!;
    expect(st.rejected).toBe(1);
    expect(st.queued).toBe(0);
    first.destroy();
  });

  it('backup backends take traffic only when no primary is usable', async () => {
    const [primary, spare] = await Promise.all([startEcho(), startEcho()]);
    servers.push(primary!, spare!);
    lb = createLoadBalancer({ relay });
    const bp = backend(primary!.port);
    const svc = service([bp, backend(spare!.port, { backup: true })]);
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    for (let i = 0; i < 4; i++) await exchange(port, Buffer.from('p'));
    expect([primary!.accepted, spare!.accepted]).toEqual([4, 0]);
    await lb.apply(config({ ...svc, backends: [{ ...bp, state: 'disabled' }, svc.backends[1]!] }));
    for (let i = 0; i < 3; i++) await exchange(port, Buffer.from('b'));
    expect([primary!.accepted, spare!.accepted]).toEqual([4, 3]);
  });

  it('a primary that refuses falls through to a backup within the same client connection', async () => {
    const spare = await startEcho();
    servers.push(spare);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(await deadPort()), backend(spare.port, { backup: true })], { retries: 1 });
    await lb.apply(config(svc));
    expect((await exchange(lb.listenPort(svc.id) as number, Buffer.from('x'))).toString()).toBe('x');
  });

  it('backends named by IPv6 address or by host name relay like IPv4 ones', async () => {
    // One dual-stack echo server: reachable as [::1] and as localhost whichever family it resolves to.
    const echo = net.createServer((s) => s.pipe(s));
    echo.listen(0, '::');
    await once(echo, 'listening');
    cleanups.push(() => new Promise((r) => echo.close(() => r())));
    const port = (echo.address() as net.AddressInfo).port;
    lb = createLoadBalancer({ relay });
    const v6 = service([backend(port, { host: '::1' })]);
    const named = service([backend(port, { host: 'localhost' })]);
    await lb.apply(config(v6, named));
    for (const svc of [v6, named]) {
      expect((await exchange(lb.listenPort(svc.id) as number, Buffer.from(`via ${svc.name}`))).toString()).toBe(`via ${svc.name}`);
    }
    const st = lb.stats().services;
    expect(st.map((s) => s.backends[0]!.total)).toEqual([1, 1]);
    expect(st.map((s) => s.backends[0]!.connectFailures)).toEqual([0, 0]);
  });

  it('both sockets the balancer holds have TCP keepalive on, as ss(8) sees them', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port)]);
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const c = await connect(port);
    await waitFor(() => echo.sockets.size === 1, 'backend accept');
    const ss = (filter: string): string => execFileSync('ss', ['-tnoH', 'state', 'established', filter], { encoding: 'utf8' });
    // The balancer's accepted socket (local port = listen port) and its backend socket
    // (remote port = backend port) carry the keepalive timer; the test's own client does not.
    expect(ss(`( sport = :${port} )`)).toMatch(/timer:\(keepalive,/);
    expect(ss(`( dport = :${echo.port} )`)).toMatch(/timer:\(keepalive,/);
    expect(ss(`( dport = :${port} )`)).not.toMatch(/keepalive/);
    c.destroy();
  });
});

describe('first health check pending', () => {
  it('a client arriving before the first check finished waits for it instead of being rejected', async () => {
    const { HEALTH_CHECK_DEFAULTS } = await import('../src/config.ts');
    const echo = await startEcho();
    const lb = createLoadBalancer();
    try {
      // Checks every 60 s: the first probe runs within 20 % of an interval (capped at 2 s), so
      // a client connecting right after apply() finds the backend still 'unknown'.
      const svc = service([backend(echo.port)], { healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'tcp', intervalMs: 60_000 } });
      await lb.apply(config(svc));
      expect(lb.stats().services[0]!.backends[0]!.health).toBe('unknown');
      expect((await exchange(lb.listenPort(svc.id) as number, Buffer.from('early'))).toString()).toBe('early');
      expect(lb.stats().services[0]!.rejected).toBe(0);
    } finally {
      await lb.close();
      await echo.close();
    }
  });

  it('a waiting client is rejected once the pending first check fails', async () => {
    const { HEALTH_CHECK_DEFAULTS } = await import('../src/config.ts');
    const lb = createLoadBalancer();
    try {
      const svc = service([backend(await deadPort())], { healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'tcp', intervalMs: 60_000, fall: 1 } });
      await lb.apply(config(svc));
      const c = await connect(lb.listenPort(svc.id) as number);
      await once(c, 'close');
      expect(lb.stats().services[0]!.rejected).toBe(1);
      expect(lb.stats().services[0]!.backends[0]!.health).toBe('down');
    } finally {
      await lb.close();
    }
  });
});
