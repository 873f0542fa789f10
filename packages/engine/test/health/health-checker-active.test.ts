// Active checks: rise/fall counts and reasons, one probe in flight, jittered scheduling.
import { afterEach, describe, expect, it } from 'vitest';
import { HealthChecker } from '../../src/health/health-checker.ts';
import { eventLog } from './health-events.ts';
import { startModeServer } from './mode-server.ts';
import { HOST, healthConfig, startReplyServer, startServer, waitFor } from './test-servers.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function track<T extends { close(): unknown }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

describe('HealthChecker active checks', () => {
  it('goes up on the first success, down after `fall` failures, up again after `rise` successes', async () => {
    const backend = await startModeServer('ok');
    track(backend.server);
    const counts: number[] = [];
    const log = eventLog(() => counts.push(backend.replies.ok, backend.replies.bad));
    const checker = track(new HealthChecker({ config: healthConfig({ type: 'redis', intervalMs: 50, timeoutMs: 1000, rise: 2, fall: 3 }), onChange: log.onChange }));
    checker.setTargets([{ id: 'a', host: HOST, port: backend.server.port }]);
    expect(checker.state('a')).toBe('unknown');

    await waitFor(() => checker.state('a') === 'up', 3000, 'a to come up');
    expect(log.of('a')).toEqual([{ id: 'a', from: 'unknown', to: 'up', reason: 'first check ok' }]);
    expect(counts.slice(0, 2)).toEqual([1, 0]);
    // The successful probe's measured latency: more than nothing, less than its timeout.
    expect(checker.lastLatencyMs('a')).toBeGreaterThan(0);
    expect(checker.lastLatencyMs('a')).toBeLessThan(1000);
    expect(checker.lastReason('a')).toBe('first check ok');

    backend.mode = 'bad';
    await waitFor(() => checker.state('a') === 'down', 3000, 'a to go down');
    expect(log.of('a')[1]).toEqual({ id: 'a', from: 'up', to: 'down', reason: 'fall: 3 × unexpected reply "-ERR boom"' });
    expect(counts[3]).toBe(3); // exactly `fall` bad replies

    const okBefore = backend.replies.ok;
    backend.mode = 'ok';
    await waitFor(() => checker.state('a') === 'up', 3000, 'a to rise');
    expect(log.of('a')[2]).toEqual({ id: 'a', from: 'down', to: 'up', reason: 'rise: 2 × ok' });
    expect((counts[4] ?? 0) - okBefore).toBe(2); // exactly `rise` good replies
    expect(checker.lastReason('a')).toBe('rise: 2 × ok');
    expect(log.events).toHaveLength(3);
  });

  it('goes from unknown to down after the first `fall` failures', async () => {
    const backend = await startModeServer('bad');
    track(backend.server);
    let badAtEvent = -1;
    const log = eventLog(() => (badAtEvent = backend.replies.bad));
    const checker = track(new HealthChecker({ config: healthConfig({ type: 'redis', intervalMs: 50, timeoutMs: 1000, fall: 2 }), onChange: log.onChange }));
    checker.setTargets([{ id: 'a', host: HOST, port: backend.server.port }]);
    await waitFor(() => checker.state('a') === 'down', 3000, 'a to go down');
    expect(log.of('a')).toEqual([{ id: 'a', from: 'unknown', to: 'down', reason: 'fall: 2 × unexpected reply "-ERR boom"' }]);
    expect(badAtEvent).toBe(2);
  });

  it('a hung backend costs one timeout per probe and never sees two probes at once', async () => {
    const backend = await startModeServer('hang');
    track(backend.server);
    let acceptedAtEvent = -1;
    const log = eventLog(() => (acceptedAtEvent = backend.server.accepted));
    const checker = track(new HealthChecker({ config: healthConfig({ type: 'redis', intervalMs: 100, timeoutMs: 300, fall: 2 }), onChange: log.onChange }));
    const started = Date.now();
    checker.setTargets([{ id: 'a', host: HOST, port: backend.server.port }]);
    await waitFor(() => checker.state('a') === 'down', 5000, 'a to go down');
    expect(log.of('a')).toEqual([{ id: 'a', from: 'unknown', to: 'down', reason: 'fall: 2 × timeout waiting for reply' }]);
    expect(acceptedAtEvent).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 300 + 90 - 10);
    // Three more probes, each ended by its timeout, and never two sockets open at once.
    await waitFor(() => backend.server.accepted >= 5, 5000, 'three more timed-out probes');
    expect(backend.server.maxOpen).toBe(1);
  });

  it('a backend that accepts TCP but answers PING wrong is down under redis and up under tcp', async () => {
    const wrong = track(await startReplyServer(() => '-ERR unknown command\r\n'));
    const target = { id: 'w', host: HOST, port: wrong.port };
    const redisLog = eventLog();
    const tcpLog = eventLog();
    const redisChecker = track(new HealthChecker({ config: healthConfig({ type: 'redis', intervalMs: 50, timeoutMs: 500, fall: 2 }), onChange: redisLog.onChange }));
    const tcpChecker = track(new HealthChecker({ config: healthConfig({ type: 'tcp', intervalMs: 50, timeoutMs: 500, fall: 2 }), onChange: tcpLog.onChange }));
    redisChecker.setTargets([target]);
    tcpChecker.setTargets([target]);
    await waitFor(() => redisChecker.state('w') === 'down' && tcpChecker.state('w') === 'up', 3000, 'redis down and tcp up');
    expect(redisChecker.lastReason('w')).toBe('fall: 2 × unexpected reply "-ERR unknown command"');
    expect(tcpChecker.lastReason('w')).toBe('first check ok');
  });

  it('spreads the first probes of many targets over the start of the interval', async () => {
    const server = track(await startServer());
    const values = [0, 0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 1, 0.6, 0.4];
    let next = 0;
    const random = (): number => values[next++ % values.length] ?? 0.5;
    const checker = track(new HealthChecker({ config: healthConfig({ type: 'tcp', intervalMs: 1000, timeoutMs: 500 }), onChange: () => {}, random }));
    const started = Date.now();
    checker.setTargets(values.map((_, i) => ({ id: `t${i}`, host: HOST, port: server.port })));
    await waitFor(() => server.accepted >= 10, 3000, 'ten first probes');
    const firsts = server.acceptTimes.slice(0, 10);
    // The first probe spread is 20% of the interval: 0–200 ms here.
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeGreaterThanOrEqual(120);
    expect(Math.min(...firsts) - started).toBeLessThan(900);
  });

  it('waits interval ± 10% between the end of one probe and the start of the next', async () => {
    const server = track(await startServer());
    const checker = track(new HealthChecker({ config: healthConfig({ type: 'tcp', intervalMs: 200, timeoutMs: 500 }), onChange: () => {}, random: () => 0 }));
    checker.setTargets([{ id: 'a', host: HOST, port: server.port }]);
    await waitFor(() => server.accepted >= 4, 3000, 'four probes');
    const times = server.acceptTimes.slice(0, 4);
    for (let i = 1; i < times.length; i += 1) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(175);
  });
});
