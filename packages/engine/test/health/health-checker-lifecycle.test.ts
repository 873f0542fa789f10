// Membership changes, config updates and close().
import { afterEach, describe, expect, it } from 'vitest';
import { HealthChecker } from '../../src/health/health-checker.ts';
import { eventLog } from './health-events.ts';
import { startModeServer } from './mode-server.ts';
import { probeRounds } from './probe-clock.ts';
import { HOST, healthConfig, refusingPort, startServer, waitFor } from './test-servers.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function track<T extends { close(): unknown }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

function countResources(kind: string): number {
  return process.getActiveResourcesInfo().filter((name) => name === kind).length;
}

describe('HealthChecker lifecycle', () => {
  it('setTargets adds and removes targets and keeps the state of the others', async () => {
    const [a, b, c] = [track(await startServer()), track(await startServer()), track(await startServer())];
    const log = eventLog();
    const checker = track(new HealthChecker({ config: healthConfig({ type: 'tcp', intervalMs: 100, timeoutMs: 500, fall: 2 }), onChange: log.onChange }));
    checker.setTargets([
      { id: 'a', host: HOST, port: a.port },
      { id: 'b', host: HOST, port: b.port },
    ]);
    await waitFor(() => checker.state('a') === 'up' && checker.state('b') === 'up', 3000, 'a and b up');

    checker.setTargets([
      { id: 'a', host: HOST, port: a.port },
      { id: 'c', host: HOST, port: c.port },
    ]);
    expect(checker.state('a')).toBe('up');
    expect(checker.state('b')).toBe('unknown');
    expect(checker.lastReason('b')).toBeUndefined();
    await waitFor(() => checker.state('c') === 'up', 3000, 'c up');
    // b is no longer probed: while c (same checker, same interval) is probed 3 more times, b
    // would have been probed at least once.
    const bProbes = b.accepted;
    const cProbes = c.accepted;
    await waitFor(() => c.accepted >= cProbes + 3, 3000, '3 more probes of c');
    expect(b.accepted).toBe(bProbes);
    expect(log.of('a')).toEqual([{ id: 'a', from: 'unknown', to: 'up', reason: 'first check ok' }]);

    const closed = await refusingPort();
    checker.setTargets([
      { id: 'a', host: HOST, port: closed },
      { id: 'c', host: HOST, port: c.port },
    ]);
    expect(checker.state('a')).toBe('unknown');
    expect(checker.lastReason('a')).toBe('address changed');
    await waitFor(() => checker.state('a') === 'down', 3000, 'a down at its new address');
    expect(log.of('a').slice(1)).toEqual([
      { id: 'a', from: 'up', to: 'unknown', reason: 'address changed' },
      { id: 'a', from: 'unknown', to: 'down', reason: 'fall: 2 × connect refused' },
    ]);
    expect(checker.state('c')).toBe('up');
    expect(log.of('c')).toHaveLength(1);
  });

  it('updateConfig keeps states, switches the check, and type none stops probing', async () => {
    const backend = await startModeServer('ok');
    track(backend.server);
    const log = eventLog();
    const checker = track(new HealthChecker({ config: healthConfig({ type: 'tcp', intervalMs: 50, timeoutMs: 500, fall: 2 }), onChange: log.onChange }));
    checker.setTargets([{ id: 'a', host: HOST, port: backend.server.port }]);
    await waitFor(() => checker.state('a') === 'up', 3000, 'a up');

    backend.mode = 'bad'; // still accepts TCP
    const tcpProbes = backend.server.accepted;
    await waitFor(() => backend.server.accepted >= tcpProbes + 3, 3000, '3 more tcp probes'); // fall is 2
    expect(checker.state('a')).toBe('up');
    checker.updateConfig(healthConfig({ type: 'send-expect', send: 'PING\\r\\n', expect: '+PONG', intervalMs: 50, timeoutMs: 500, fall: 2 }));
    expect(checker.state('a')).toBe('up');
    await waitFor(() => checker.state('a') === 'down', 3000, 'a down under send-expect');
    expect(checker.lastReason('a')).toBe('fall: 2 × unexpected reply "-ERR boom"');

    checker.updateConfig(healthConfig({ type: 'none', intervalMs: 50 }));
    expect(checker.state('a')).toBe('up');
    expect(checker.lastReason('a')).toBe('checks disabled');
    await probeRounds(2, 50); // lets a probe connect that was under way when checks stopped land
    const probes = backend.server.accepted;
    await probeRounds(6, 50); // 5 intervals: a probing checker would have probed a 4 times
    expect(backend.server.accepted).toBe(probes);

    checker.updateConfig(healthConfig({ type: 'redis', intervalMs: 50, timeoutMs: 500, fall: 2 }));
    expect(checker.state('a')).toBe('up');
    await waitFor(() => checker.state('a') === 'down', 3000, 'a down under redis');
    expect(log.events.map((e) => `${e.from}>${e.to}`)).toEqual(['unknown>up', 'up>down', 'down>up', 'up>down']);
  });

  it('holds no ref’d timer while running and leaves no socket or timer after close()', async () => {
    const backend = await startModeServer('hang');
    track(backend.server);
    const baseline = { sockets: countResources('TCPSocketWrap'), timers: countResources('Timeout') };
    const log = eventLog();
    const checker = new HealthChecker({ config: healthConfig({ type: 'redis', intervalMs: 100, timeoutMs: 10_000, passiveFailures: 1 }), onChange: log.onChange });
    checker.setTargets(['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, host: HOST, port: backend.server.port })));
    await waitFor(() => backend.server.open === 5, 3000, 'five probes in flight');
    expect(countResources('Timeout')).toBe(baseline.timers); // probe and schedule timers are unref()'d

    checker.close();
    checker.reportFailure('a', 'connect refused');
    checker.setTargets([{ id: 'z', host: HOST, port: backend.server.port }]);
    await waitFor(() => backend.server.open === 0, 3000, 'the server to see every probe socket close');
    await waitFor(() => countResources('TCPSocketWrap') <= baseline.sockets, 3000, 'sockets to be released');
    expect(countResources('Timeout')).toBeLessThanOrEqual(baseline.timers);
    await probeRounds(4, 100); // 3 intervals: ample for z's first probe (≤ 20 ms) or a's next
    expect(backend.server.accepted).toBe(5);
    expect(log.events).toEqual([]);
    expect(checker.state('a')).toBe('unknown');
  });
});
