// Outlier detection after connect (README "Passive health"): the failure-rate detector beside the
// consecutive one, and maxEjectionPercent. Real backends on loopback that accept and then reset
// some connections before their first byte; nothing is mocked.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import type { BackendHealthEvent, ServiceErrorEvent } from '../src/events.ts';
import { HEALTH_CHECK_DEFAULTS, type HealthCheckConfig } from '../src/config.ts';
import { backend, config, service, startEcho, startServer, waitFor, type TestServer } from './helpers.ts';

/** One client: sends `payload`, resolves with what came back before the connection ended. */
function attempt(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => s.write(payload));
    s.on('data', (d) => {
      got += String(d);
      if (got.length >= payload.length) s.destroy();
    });
    s.on('error', () => {});
    s.on('close', () => resolve(got));
  });
}

/** Fails 3 of every 5 connections, never 3 in a row: F S F F S. */
const SIXTY_PERCENT = [true, false, true, true, false];

/**
 * A backend that, connection by connection, follows `pattern` (true = reset when the request
 * comes, before any byte; false = echo). It resets on the request, so the connect surely completed.
 */
function startFlaky(pattern: readonly boolean[]): Promise<TestServer> {
  let n = 0;
  return startServer((s) => {
    if (pattern[n++ % pattern.length]) s.once('data', () => s.resetAndDestroy());
    else s.on('data', (d) => s.write(d));
  });
}

/** No active checks (an ejection lasts a minute: the base period is the interval). */
const passive = (over: Partial<HealthCheckConfig>): HealthCheckConfig => ({ ...HEALTH_CHECK_DEFAULTS, type: 'none', intervalMs: 60_000, ...over });

describe('outlier detection after connect', () => {
  let lb: LoadBalancer;
  const servers: TestServer[] = [];
  afterEach(async () => {
    await lb?.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function start(backends: TestServer[], hc: HealthCheckConfig) {
    const configs = backends.map((s) => backend(s.port));
    const svc = service(configs, { healthCheck: hc, retries: 0, strategy: 'round-robin' });
    lb = createLoadBalancer();
    const health: BackendHealthEvent[] = [];
    const errors: ServiceErrorEvent[] = [];
    lb.on('backend-health', (e) => health.push(e));
    lb.on('service-error', (e) => errors.push(e));
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const stats = () => lb.stats().services[0]!;
    const healthOf = (i: number) => stats().backends.find((b) => b.id === configs[i]!.id)!.health;
    return { port, ids: configs.map((c) => c.id), health, errors, stats, healthOf };
  }

  it('ejects a backend failing 60 % of its connections, which the consecutive detector never would', async () => {
    const flaky = await startFlaky(SIXTY_PERCENT);
    const good = await startEcho();
    servers.push(flaky, good);
    const { port, ids, health, healthOf } = await start([flaky, good], passive({ passiveFailures: 3, passiveFailurePercent: 50, passiveWindow: 10, passiveMinVolume: 5 }));
    for (let i = 0; i < 40 && healthOf(0) !== 'down'; i++) await attempt(port, `ping ${i}`);
    await waitFor(() => health.some((e) => e.backendId === ids[0] && e.to === 'down'), 'the flaky backend ejected');
    // Judged on each failure once the minimum volume is there: F S F F S F — its 6th connection
    // (a failure) makes 4 of 6; never 3 in a row.
    expect(flaky.accepted).toBe(6);
    expect(health.find((e) => e.backendId === ids[0] && e.to === 'down')?.reason).toBe('passive: 4 of 6 failed (≥ 50 %), latest reset before first byte');
    // Ejected: every new client goes to the good backend.
    for (let i = 0; i < 4; i++) expect(await attempt(port, `after ${i}`)).toBe(`after ${i}`);
    expect(flaky.accepted).toBe(6);
  });

  it('the same backend stays in with the failure-rate detector off: its failures are never 3 in a row', async () => {
    const flaky = await startFlaky(SIXTY_PERCENT);
    const good = await startEcho();
    servers.push(flaky, good);
    const { port, healthOf } = await start([flaky, good], passive({ passiveFailures: 3, passiveFailurePercent: 0 }));
    for (let i = 0; i < 40; i++) await attempt(port, `ping ${i}`);
    await waitFor(() => lb.stats().services[0]!.active === 0, 'every connection ended');
    expect(flaky.accepted).toBe(20);
    expect(healthOf(0)).toBe('up');
  });

  it('does not judge below the minimum volume: an always-failing backend goes at its 5th connection, not before', async () => {
    const bad = await startFlaky([true]);
    const good = await startEcho();
    servers.push(bad, good);
    const { port, healthOf } = await start([bad, good], passive({ passiveFailures: 0, passiveFailurePercent: 50, passiveWindow: 10, passiveMinVolume: 5 }));
    // Round-robin: every other client reaches the failing backend.
    for (let i = 0; i < 14; i++) {
      await attempt(port, `ping ${i}`);
      await waitFor(() => lb.stats().services[0]!.active === 0, 'the connection ended');
      if (bad.accepted < 5) expect(healthOf(0)).toBe('up');
    }
    expect(bad.accepted).toBe(5);
    expect(healthOf(0)).toBe('down');
  });

  it('maxEjectionPercent 50: of 4 failing backends at most 2 are ejected, the rest keep serving, refusals are counted and reported once per window', async () => {
    const flaky = await Promise.all([0, 1, 2, 3].map(() => startFlaky(SIXTY_PERCENT)));
    servers.push(...flaky);
    const { port, ids, errors, stats } = await start(flaky, passive({ passiveFailures: 3, passiveFailurePercent: 50, passiveWindow: 10, passiveMinVolume: 5, maxEjectionPercent: 50 }));
    const down = () => stats().backends.filter((b) => b.health === 'down').length;
    // Bounded load: until two refusals were counted (each needs a full new detection).
    for (let i = 0; i < 200 && stats().ejectionsCapped < 2; i++) await attempt(port, `ping ${i}`);
    await waitFor(() => stats().ejectionsCapped >= 2, 'two ejections refused by the cap');
    expect(down()).toBe(2);
    // One event for the refusals of this window (the gate counts the rest into its next report).
    const capped = errors.filter((e) => e.code === 'EJECTION_CAPPED');
    expect(capped).toHaveLength(1);
    expect(capped[0]!.message).toMatch(/^backend 127\.0\.0\.1:\d+ not ejected \(passive: \d+ of \d+ failed \(≥ 50 %\), latest reset before first byte\): 2 of 4 backends are ejected already, maxEjectionPercent 50 allows 2$/);
    // The two left keep taking clients, and serve those their connections do not fail.
    const left = stats().backends.filter((b) => b.health !== 'down').map((b) => ids.indexOf(b.id));
    expect(left).toHaveLength(2);
    const before = flaky.map((s) => s.accepted);
    const answers: string[] = [];
    for (let i = 0; i < 20; i++) answers.push(await attempt(port, `more ${i}`));
    expect(answers.filter((a, i) => a === `more ${i}`).length).toBeGreaterThanOrEqual(6);
    flaky.forEach((s, i) => expect(s.accepted - before[i]!).toBe(left.includes(i) ? 10 : 0));
    expect(down()).toBe(2);
  });
});
