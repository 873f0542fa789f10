// The HealthChecker's side of outlier detection: the failure-rate detector beside the consecutive
// one, the maxEjectionPercent cap over both (and over reportOutlier from workers), and how a slot
// is given back when an ejected target comes up again. Type 'none': no probes, no sockets.
import { afterEach, describe, expect, it } from 'vitest';
import { HealthChecker } from '../../src/health/health-checker.ts';
import { eventLog } from './health-events.ts';
import { HOST, healthConfig, waitFor } from './test-servers.ts';

const checkers: HealthChecker<string>[] = [];
afterEach(() => {
  for (const c of checkers.splice(0)) c.close();
});

/** The same address for the same id every time (a changed address makes a new target). */
const target = (id: string) => ({ id, host: HOST, port: 1000 + id.charCodeAt(0) });

function checker(over: Parameters<typeof healthConfig>[0]) {
  const log = eventLog();
  const capped: { id: string; reason: string; ejected: number; allowed: number; total: number }[] = [];
  const c = new HealthChecker<string>({
    config: healthConfig({ type: 'none', ...over }),
    onChange: log.onChange,
    onEjectionCapped: (id, reason, ejected, allowed, total) => capped.push({ id, reason, ejected, allowed, total }),
  });
  checkers.push(c);
  c.setTargets(['a', 'b', 'c', 'd'].map((id) => target(id)));
  return { c, log, capped };
}

describe('HealthChecker outlier detection', () => {
  it('the failure rate ejects on a failure that brings the window to the threshold, once the minimum volume is there', () => {
    const { c, log } = checker({ passiveFailures: 0, passiveFailurePercent: 50, passiveWindow: 4, passiveMinVolume: 4 });
    c.reportFailure('a', 'connect refused');
    c.reportSuccess('a');
    c.reportFailure('a', 'connect refused');
    expect(c.state('a')).toBe('up'); // 2 of 3: below the minimum volume
    c.reportSuccess('a');
    expect(c.state('a')).toBe('up'); // judged on failures only
    c.reportFailure('a', 'connect timeout'); // window F S F S → S F S F: 2 of 4
    expect(c.state('a')).toBe('down');
    expect(log.of('a').at(-1)?.reason).toBe('passive: 2 of 4 failed (≥ 50 %), latest connect timeout');
  });

  it('old outcomes leave the window: successes push a failing past out', () => {
    const { c } = checker({ passiveFailures: 0, passiveFailurePercent: 75, passiveWindow: 4, passiveMinVolume: 4 });
    for (let i = 0; i < 2; i++) c.reportFailure('a', 'connect refused');
    for (let i = 0; i < 4; i++) c.reportSuccess('a');
    for (let i = 0; i < 2; i++) c.reportFailure('a', 'connect refused');
    expect(c.state('a')).toBe('up'); // 2 of the last 4, not 4 of 8
    c.reportFailure('a', 'connect refused');
    expect(c.state('a')).toBe('down'); // 3 of the last 4
  });

  it('maxEjectionPercent caps both detectors together and reports each refusal; the detection then starts over', () => {
    const { c, capped } = checker({ passiveFailures: 2, passiveFailurePercent: 50, passiveWindow: 10, passiveMinVolume: 3, maxEjectionPercent: 50 });
    c.reportFailure('a', 'connect refused');
    c.reportFailure('a', 'connect refused'); // consecutive
    // The failure rate: 2 of 3.
    c.reportFailure('b', 'connect reset');
    c.reportSuccess('b');
    c.reportFailure('b', 'connect reset');
    expect([c.state('a'), c.state('b')]).toEqual(['down', 'down']);
    c.reportFailure('c', 'connect refused');
    c.reportFailure('c', 'connect refused');
    expect(c.state('c')).toBe('up');
    expect(capped).toEqual([{ id: 'c', reason: 'passive: 2 × connect refused', ejected: 2, allowed: 2, total: 4 }]);
    expect(c.ejectionsCapped).toBe(1);
    c.reportFailure('c', 'connect refused'); // a new streak of one: no second refusal yet
    expect(c.ejectionsCapped).toBe(1);
    c.reportOutlier('d', 'passive: 5 of 6 failed (≥ 50 %), latest connect reset'); // a worker's verdict, same cap
    expect(c.state('d')).toBe('up');
    expect(c.ejectionsCapped).toBe(2);
  });

  it('an ejected target that comes back up frees its place; a lower cap set live applies to the next ejection', async () => {
    const { c, capped } = checker({ intervalMs: 100, passiveFailures: 1, maxEjectionPercent: 25 });
    c.reportFailure('a', 'connect refused');
    c.reportFailure('b', 'connect refused');
    expect([c.state('a'), c.state('b'), capped.length]).toEqual(['down', 'up', 1]);
    // Type 'none': back up when the 100 ms ejection period ends.
    await waitFor(() => c.state('a') === 'up', 3000, 'a back after its ejection period');
    c.reportFailure('b', 'connect refused');
    expect(c.state('b')).toBe('down');
    c.updateConfig(healthConfig({ type: 'none', intervalMs: 100, passiveFailures: 1, maxEjectionPercent: 100 }));
    c.reportFailure('c', 'connect refused');
    c.reportFailure('d', 'connect refused');
    expect([c.state('c'), c.state('d')]).toEqual(['down', 'down']);
  });

  it('a removed ejected target frees its place', () => {
    const { c } = checker({ passiveFailures: 1, maxEjectionPercent: 50 });
    c.reportFailure('a', 'connect refused');
    c.reportFailure('b', 'connect refused');
    c.setTargets(['b', 'c', 'd', 'e'].map((id) => target(id)));
    expect(c.state('b')).toBe('down');
    c.reportFailure('c', 'connect refused');
    expect(c.state('c')).toBe('down');
    c.reportFailure('d', 'connect refused');
    expect(c.state('d')).toBe('up');
  });
});
