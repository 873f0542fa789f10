// Passive outlier detection, ejection periods and the flap back-off.
import { afterEach, describe, expect, it } from 'vitest';
import { HealthChecker } from '../../src/health/health-checker.ts';
import { FLAP_WINDOW_MS } from '../../src/health/ejection-backoff.ts';
import { eventLog } from './health-events.ts';
import { HOST, healthConfig, startServer, waitFor } from './test-servers.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function track<T extends { close(): unknown }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

describe('HealthChecker passive checks', () => {
  it('marks a target down after `passiveFailures` consecutive failures, before the next active probe', async () => {
    const server = track(await startServer());
    const log = eventLog();
    const checker = track(new HealthChecker({
      config: healthConfig({ type: 'tcp', intervalMs: 10_000, timeoutMs: 500, passiveFailures: 3 }),
      onChange: log.onChange,
      random: () => 0,
    }));
    checker.setTargets([{ id: 'a', host: HOST, port: server.port }]);
    await waitFor(() => checker.state('a') === 'up', 3000, 'a to come up');
    const probes = server.accepted;

    checker.reportFailure('a', 'connect refused');
    checker.reportFailure('a', 'connect refused');
    checker.reportSuccess('a'); // the streak restarts
    checker.reportFailure('a', 'connect refused');
    checker.reportFailure('a', 'connect refused');
    expect(checker.state('a')).toBe('up');
    checker.reportFailure('a', 'connect timeout');
    expect(checker.state('a')).toBe('down');
    expect(log.of('a').at(-1)).toEqual({ id: 'a', from: 'up', to: 'down', reason: 'passive: 3 × connect timeout' });
    expect(server.accepted).toBe(probes);
    expect(checker.ejectionPeriodMs('a')).toBe(10_000);
  });

  it('is off when passiveFailures is 0', async () => {
    const log = eventLog();
    const checker = track(new HealthChecker({ config: healthConfig({ type: 'none', passiveFailures: 0 }), onChange: log.onChange }));
    checker.setTargets([{ id: 'a', host: HOST, port: 1 }]);
    for (let i = 0; i < 20; i += 1) checker.reportFailure('a', 'connect refused');
    expect(checker.state('a')).toBe('up');
    // Nothing checks at all: no detail to show.
    expect(checker.detail('a')).toBeNull();
  });

  it('with passive detection only, the detail has the ejection reason and since, and no probe', async () => {
    const log = eventLog();
    const checker = track(new HealthChecker({ config: healthConfig({ type: 'none', passiveFailures: 2, intervalMs: 60_000 }), onChange: log.onChange }));
    checker.setTargets([{ id: 'a', host: HOST, port: 1 }]);
    expect(checker.detail('a')).toMatchObject({ reason: 'checks disabled', lastAt: null, lastOk: null, lastDurationMs: null, consecutiveFailures: 0 });
    const before = Date.now();
    checker.reportFailure('a', 'connect refused');
    checker.reportFailure('a', 'connect refused');
    const detail = checker.detail('a');
    expect(detail).toMatchObject({ reason: 'passive: 2 × connect refused', lastAt: null, lastOk: null, role: null });
    expect(detail?.since).toBeGreaterThanOrEqual(before);
    expect(checker.detail('nobody')).toBeNull();
  });

  it('active checks bring an ejected target back through `rise`, not before its ejection period', async () => {
    const server = track(await startServer());
    const log = eventLog();
    const checker = track(new HealthChecker({
      config: healthConfig({ type: 'tcp', intervalMs: 100, timeoutMs: 500, rise: 2, passiveFailures: 2 }),
      onChange: log.onChange,
    }));
    checker.setTargets([{ id: 'a', host: HOST, port: server.port }]);
    await waitFor(() => checker.state('a') === 'up', 3000, 'a to come up');
    checker.reportFailure('a', 'connect refused');
    checker.reportFailure('a', 'connect refused');
    const down = log.last('a', 'down');
    expect(down?.reason).toBe('passive: 2 × connect refused');
    await waitFor(() => checker.state('a') === 'up', 3000, 'a to rise');
    const up = log.last('a', 'up');
    expect(up?.reason).toBe('rise: 2 × ok');
    expect((up?.at ?? 0) - (down?.at ?? 0)).toBeGreaterThanOrEqual(95);
  });

  it('doubles the ejection period of a flapping target, and starts over after a quiet minute (type none)', async () => {
    let clock = 0;
    const server = track(await startServer());
    const log = eventLog();
    const checker = track(new HealthChecker({
      config: healthConfig({ type: 'none', intervalMs: 100, passiveFailures: 1 }),
      onChange: log.onChange,
      now: () => clock,
    }));
    checker.setTargets([{ id: 'a', host: HOST, port: server.port }]);
    expect(log.of('a')).toEqual([{ id: 'a', from: 'unknown', to: 'up', reason: 'checks disabled' }]);

    const ejectAndWait = async (): Promise<{ period: number; downFor: number }> => {
      checker.reportFailure('a', 'connect refused');
      expect(checker.state('a')).toBe('down');
      const down = log.last('a', 'down');
      await waitFor(() => checker.state('a') === 'up', 3000, 'the ejection to end');
      const up = log.last('a', 'up');
      expect(up?.reason).toBe('ejection period over');
      return { period: checker.ejectionPeriodMs('a'), downFor: (up?.at ?? 0) - (down?.at ?? 0) };
    };
    const first = await ejectAndWait();
    const second = await ejectAndWait();
    const third = await ejectAndWait();
    expect([first.period, second.period, third.period]).toEqual([100, 200, 400]);
    expect(first.downFor).toBeGreaterThanOrEqual(95);
    expect(second.downFor).toBeGreaterThanOrEqual(195);
    expect(third.downFor).toBeGreaterThanOrEqual(395);

    clock += 400 + FLAP_WINDOW_MS;
    const quiet = await ejectAndWait();
    expect(quiet.period).toBe(100);
    expect(server.accepted).toBe(0); // type none never probes
  });

  it('keeps a flapping target down for its whole ejection period although checks pass', async () => {
    const server = track(await startServer());
    const log = eventLog();
    const checker = track(new HealthChecker({
      config: healthConfig({ type: 'tcp', intervalMs: 50, timeoutMs: 500, rise: 1, passiveFailures: 1 }),
      onChange: log.onChange,
    }));
    checker.setTargets([{ id: 'a', host: HOST, port: server.port }]);
    await waitFor(() => checker.state('a') === 'up', 3000, 'a to come up');
    for (const period of [50, 100, 200, 400]) {
      checker.reportFailure('a', 'connection reset');
      expect(checker.ejectionPeriodMs('a')).toBe(period);
      const down = log.last('a', 'down');
      const probesBefore = server.accepted;
      await waitFor(() => checker.state('a') === 'up', 5000, 'a to rise');
      const up = log.last('a', 'up');
      expect((up?.at ?? 0) - (down?.at ?? 0)).toBeGreaterThanOrEqual(period - 5);
      if (period === 400) expect(server.accepted - probesBefore).toBeGreaterThanOrEqual(3); // checks passed meanwhile
    }
  });

  it('ignores reports about a target that is already down or not watched', async () => {
    const log = eventLog();
    const checker = track(new HealthChecker({ config: healthConfig({ type: 'none', intervalMs: 5000, passiveFailures: 1 }), onChange: log.onChange }));
    checker.setTargets([{ id: 'a', host: HOST, port: 1 }]);
    checker.reportFailure('a', 'connect refused');
    checker.reportFailure('a', 'connect refused');
    checker.reportFailure('nope', 'connect refused');
    checker.reportSuccess('nope');
    // Reports act synchronously (the next event, the end of the ejection, is 5 s away): a second
    // ejection would show as a doubled period below.
    expect(log.events.map((e) => e.to)).toEqual(['up', 'down']);
    expect(checker.ejectionPeriodMs('a')).toBe(5000);
  });
});
