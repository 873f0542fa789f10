// Hooks for multi-process mode: health driven from outside, passive streak events, and load
// reported by other processes.
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import type { PassiveFailureEvent } from '../src/events.ts';
import { HEALTH_CHECK_DEFAULTS } from '../src/config.ts';
import { probeRounds } from './health/probe-clock.ts';
import { backend, config, connect, deadPort, exchange, service, startEcho, startServer, waitFor, type TestServer } from './helpers.ts';

describe('external health and remote load', () => {
  let lb: LoadBalancer;
  const servers: TestServer[] = [];
  afterEach(async () => {
    await lb?.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('backends stay unused until setBackendHealth() says up; no local probes run', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ health: 'external' });
    const b = backend(echo.port);
    const svc = service([b], { healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'tcp', intervalMs: 100 } });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const c = await connect(port);
    await once(c, 'close');
    expect(lb.stats().services[0]!.rejected).toBe(1);
    await probeRounds(4, 100); // 3 of the service's intervals: a local checker would have probed
    expect(echo.accepted).toBe(0); // no tcp probe from this process
    lb.setBackendHealth(svc.id, b.id, 'up', 'primary says up');
    expect((await exchange(port, Buffer.from('hi'))).toString()).toBe('hi');
  });

  it('emits passive-failure once a backend reaches passiveFailures consecutive connect failures', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ health: 'external' });
    const dead = backend(await deadPort());
    const ok = backend(echo.port);
    const svc = service([dead, ok], { retries: 1, healthCheck: { ...HEALTH_CHECK_DEFAULTS, passiveFailures: 2 } });
    await lb.apply(config(svc));
    lb.setBackendHealth(svc.id, dead.id, 'up', 'test');
    lb.setBackendHealth(svc.id, ok.id, 'up', 'test');
    const events: PassiveFailureEvent[] = [];
    lb.on('passive-failure', (e) => events.push(e));
    const port = lb.listenPort(svc.id) as number;
    for (let i = 0; i < 6; i++) await exchange(port, Buffer.from('x'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ backendId: dead.id, reason: 'connect refused', streak: 2 });
  });

  it('reports a failure-rate outlier (detector failure-rate, with the ejection reason) from its own window; a verdict restarts it', async () => {
    // Fails 3 of every 5 connections, never 2 in a row with passiveFailures 3: F S F F S.
    const pattern = [true, false, true, true, false];
    let n = 0;
    const flaky = await startServer((s) => {
      if (pattern[n++ % pattern.length]) s.once('data', () => s.resetAndDestroy());
      else s.on('data', (d) => s.write(d));
    });
    servers.push(flaky);
    lb = createLoadBalancer({ health: 'external' });
    const b = backend(flaky.port);
    const svc = service([b], { retries: 0, healthCheck: { ...HEALTH_CHECK_DEFAULTS, passiveFailures: 3, passiveFailurePercent: 50, passiveWindow: 10, passiveMinVolume: 5 } });
    await lb.apply(config(svc));
    lb.setBackendHealth(svc.id, b.id, 'up', 'test');
    const events: PassiveFailureEvent[] = [];
    lb.on('passive-failure', (e) => events.push(e));
    const port = lb.listenPort(svc.id) as number;
    const ask = async (): Promise<void> => {
      // Sends a byte; done when it is echoed or the connection is reset.
      const c = await connect(port);
      c.write('x');
      await Promise.race([once(c, 'data'), once(c, 'close')]);
      c.destroy();
      await waitFor(() => lb.stats().services[0]!.active === 0, 'the connection ended');
    };
    for (let i = 0; i < 6; i++) await ask();
    expect(events).toEqual([expect.objectContaining({ backendId: b.id, detector: 'failure-rate', reason: 'passive: 4 of 6 failed (≥ 50 %), latest reset before first byte' })]);
    // Still up here (the primary decides); a new verdict from the primary restarts the window.
    lb.setBackendHealth(svc.id, b.id, 'down', 'primary ejected it');
    lb.setBackendHealth(svc.id, b.id, 'up', 'primary says up');
    for (let i = 0; i < 4; i++) await ask();
    expect(events).toHaveLength(1);
  });

  it('setRemoteLoad steers least-connections and counts toward maxConnections, but not toward local stats', async () => {
    const [a, b] = [await startEcho(), await startEcho()];
    servers.push(a, b);
    lb = createLoadBalancer({ health: 'external' });
    const ba = backend(a.port, { maxConnections: 5 });
    const bb = backend(b.port);
    const svc = service([ba, bb], { strategy: 'least-connections' });
    await lb.apply(config(svc));
    lb.setBackendHealth(svc.id, ba.id, 'up', 't');
    lb.setBackendHealth(svc.id, bb.id, 'up', 't');
    lb.setRemoteLoad(svc.id, { [ba.id]: 3 });
    const port = lb.listenPort(svc.id) as number;
    for (let i = 0; i < 3; i++) await exchange(port, Buffer.from('x'));
    expect([a.accepted, b.accepted]).toEqual([0, 3]);
    lb.setRemoteLoad(svc.id, { [ba.id]: 5, [bb.id]: 100 }); // a is full (5/5) elsewhere
    for (let i = 0; i < 3; i++) await exchange(port, Buffer.from('x'));
    expect(a.accepted).toBe(0);
    // Remote load never shows up as local connections: once ours are torn down, both are 0.
    await waitFor(() => lb.stats().services[0]!.active === 0, 'teardown');
    expect(lb.stats().services[0]!.backends.map((x) => x.active)).toEqual([0, 0]);
  });
});

describe('external health: repeated passive ejection', () => {
  it('a backend that came back up can be reported again by a second streak', async () => {
    const { startEcho: echoServer, deadPort: dead } = await import('./helpers.ts');
    const echo = await echoServer();
    const lb = createLoadBalancer({ health: 'external' });
    try {
      const bad = backend(await dead());
      const ok = backend(echo.port);
      const svc = service([bad, ok], { retries: 1, strategy: 'round-robin', healthCheck: { ...HEALTH_CHECK_DEFAULTS, passiveFailures: 2 } });
      await lb.apply(config(svc));
      lb.setBackendHealth(svc.id, ok.id, 'up', 't');
      const events: PassiveFailureEvent[] = [];
      lb.on('passive-failure', (e) => events.push(e));
      const port = lb.listenPort(svc.id) as number;
      for (let round = 1; round <= 2; round++) {
        lb.setBackendHealth(svc.id, bad.id, 'up', 'primary says up');
        for (let i = 0; i < 4; i++) await exchange(port, Buffer.from('x'));
        expect(events).toHaveLength(round);
        lb.setBackendHealth(svc.id, bad.id, 'down', 'primary ejects');
      }
    } finally {
      await lb.close();
      await echo.close();
    }
  });
});

describe('close({ drain })', () => {
  it('returns by its deadline even while a client stays connected, closing it', async () => {
    const { startEcho: echoServer } = await import('./helpers.ts');
    const echo = await echoServer();
    const lb = createLoadBalancer();
    const b = backend(echo.port);
    const svc = service([b], { healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'none' } });
    await lb.apply(config(svc));
    const c = await connect(lb.listenPort(svc.id) as number);
    const closed = once(c, 'close');
    await lb.close({ drain: true, timeoutMs: 300 });
    await closed;
    await echo.close();
  });
});
