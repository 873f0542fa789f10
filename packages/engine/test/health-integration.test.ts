// Health checking wired into the data plane, against real redis-server processes.
import { afterEach, describe, expect, it } from 'vitest';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import type { BackendHealthEvent } from '../src/events.ts';
import { HEALTH_CHECK_DEFAULTS } from '../src/config.ts';
import { backend, config, deadPort, nextData, service, startServer, waitFor, type TestServer } from './helpers.ts';
import { redisCommand, startRedisOn, type RedisProcess } from './redis-process.ts';

describe('health checks in the data plane', () => {
  let lb: LoadBalancer;
  const redises: RedisProcess[] = [];
  const servers: TestServer[] = [];
  afterEach(async () => {
    await lb?.close();
    await Promise.all(redises.splice(0).map((r) => r.stop()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const health = (s: ReturnType<LoadBalancer['stats']>, id: number): string | undefined =>
    s.services[0]?.backends.find((b) => b.id === id)?.health;

  it('a killed redis is marked down within fall × interval (+ timeout), gets no new connections, and comes back after rise', async () => {
    const [r1, r2] = await Promise.all([startRedisOn(await deadPort()), startRedisOn(await deadPort())]);
    redises.push(r1!, r2!);
    lb = createLoadBalancer();
    const b1 = backend(r1!.port);
    const b2 = backend(r2!.port);
    const hc = { ...HEALTH_CHECK_DEFAULTS, type: 'redis' as const, intervalMs: 100, timeoutMs: 200, rise: 2, fall: 2, passiveFailures: 0, slowStartMs: 2000 };
    const svc = service([b1, b2], { healthCheck: hc });
    const events: BackendHealthEvent[] = [];
    lb.on('backend-health', (e) => events.push(e));
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    await waitFor(() => health(lb.stats(), b1.id) === 'up' && health(lb.stats(), b2.id) === 'up', 'both up');

    await r1!.stop();
    const killedAt = Date.now();
    await waitFor(() => health(lb.stats(), b1.id) === 'down', 'r1 down', 5000);
    // fall (2) × interval (100 ms ±10%) + one timeout (200 ms), with slack for a loaded machine.
    expect(Date.now() - killedAt).toBeLessThan(2000);
    const down = events.find((e) => e.backendId === b1.id && e.to === 'down');
    expect(down?.reason).toMatch(/^fall: 2 × connect refused/);
    const failuresBefore = lb.stats().services[0]!.backends.find((b) => b.id === b1.id)!.connectFailures;
    for (let i = 0; i < 20; i++) expect(await redisCommand(port, 'PING')).toBe('+PONG');
    const st = lb.stats().services[0]!;
    expect(st.backends.find((b) => b.id === b1.id)!.connectFailures).toBe(failuresBefore);
    expect(st.rejected).toBe(0);

    await r1!.start();
    await waitFor(() => health(lb.stats(), b1.id) === 'up', 'r1 up again', 5000);
    expect(events.find((e) => e.backendId === b1.id && e.from === 'down' && e.to === 'up')?.reason).toBe('rise: 2 × ok');
    // Slow start: right after recovery its effective weight is a fraction of its weight.
    const ew = lb.stats().services[0]!.backends.find((b) => b.id === b1.id)!.effectiveWeight;
    expect(ew).toBeLessThan(1);
    await waitFor(() => lb.stats().services[0]!.backends.find((b) => b.id === b1.id)!.effectiveWeight === 1, 'ramped to full weight', 5000);
  });

  it('a backend that accepts TCP but answers PING wrong is down under the redis check, up under tcp', async () => {
    const liar = await startServer((s) => s.on('data', () => s.write('-ERR not redis\r\n')));
    servers.push(liar);
    lb = createLoadBalancer();
    const bRedis = backend(liar.port);
    const svcRedis = service([bRedis], { healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'redis', intervalMs: 100, timeoutMs: 200, fall: 1, passiveFailures: 0 } });
    const bTcp = backend(liar.port);
    const svcTcp = service([bTcp], { healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'tcp', intervalMs: 100, timeoutMs: 200, fall: 1, passiveFailures: 0 } });
    await lb.apply(config(svcRedis, svcTcp));
    const byId = (id: number): string | undefined => lb.stats().services.flatMap((s) => s.backends).find((b) => b.id === id)?.health;
    await waitFor(() => byId(bRedis.id) === 'down' && byId(bTcp.id) === 'up', 'redis check down, tcp check up');
  });

  it('passive detection marks a dead backend down before the next active check', async () => {
    const r = await startRedisOn(await deadPort());
    redises.push(r);
    const dead = backend(await deadPort());
    lb = createLoadBalancer();
    // Active checks are far apart (60 s): only passive detection can react within the test.
    const hc = { ...HEALTH_CHECK_DEFAULTS, type: 'tcp' as const, intervalMs: 60_000, passiveFailures: 3 };
    const svc = service([backend(r.port), dead], { healthCheck: hc, retries: 1, strategy: 'round-robin' });
    const events: BackendHealthEvent[] = [];
    lb.on('backend-health', (e) => events.push(e));
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    // Until the first active probe runs, the dead backend is 'unknown' and gets no traffic;
    // force it into rotation the way a first passing check would, by using checks-off.
    await lb.apply(config({ ...svc, healthCheck: { ...hc, type: 'none' } }));
    await waitFor(() => health(lb.stats(), dead.id) === 'up', 'dead backend assumed up (checks off)');
    for (let i = 0; i < 10; i++) expect(await redisCommand(port, 'PING')).toBe('+PONG');
    expect(health(lb.stats(), dead.id)).toBe('down');
    expect(events.find((e) => e.backendId === dead.id && e.to === 'down')?.reason).toBe('passive: 3 × connect refused');
  });

  it.each([true, false])('closeOnDown=%s decides whether established connections to a backend that goes down are closed', async (closeOnDown) => {
    // Answers PING with +PONG while healthy; once flipped, new PINGs get -ERR. Established
    // connections that send nothing stay open on the server side either way.
    let healthy = true;
    const srv = await startServer((s) => s.on('data', () => s.write(healthy ? '+PONG\r\n' : '-ERR sick\r\n')));
    servers.push(srv);
    lb = createLoadBalancer();
    const hc = { ...HEALTH_CHECK_DEFAULTS, type: 'redis' as const, intervalMs: 100, timeoutMs: 200, fall: 1, passiveFailures: 0, closeOnDown };
    const b = backend(srv.port);
    const svc = service([b], { healthCheck: hc });
    await lb.apply(config(svc));
    await waitFor(() => health(lb.stats(), b.id) === 'up', 'up');
    const net = await import('node:net');
    const c = net.connect({ host: '127.0.0.1', port: lb.listenPort(svc.id) as number });
    c.on('error', () => {});
    let closed = false;
    c.on('close', () => (closed = true));
    await waitFor(() => lb.stats().services[0]!.active === 1, 'connected');
    healthy = false;
    await waitFor(() => health(lb.stats(), b.id) === 'down', 'down');
    if (closeOnDown) {
      await waitFor(() => closed && lb.stats().services[0]!.active === 0, 'connection closed by closeOnDown');
    } else {
      // A round trip through the same connection after the down: it still reaches the (now
      // sick) backend. Had the down closed it, 'close' would come instead of the reply.
      const reply = nextData(c);
      c.write('PING\r\n');
      expect(String(await reply)).toBe('-ERR sick\r\n');
      expect(closed).toBe(false);
      expect(lb.stats().services[0]!.active).toBe(1);
      c.destroy();
    }
  });
});
