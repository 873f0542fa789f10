// Cases every strategy must pass, run for each name by conformance.test.ts (the model is
// hono's common.case.test.ts). A strategy may skip a case only with a written reason.
import { describe, expect, it } from 'vitest';
import type { StrategyName } from '../config.ts';
import type { BackendView, Strategy } from '../strategy.ts';
import { createStrategy } from './registry.ts';
import { clientIp, countPicks, fakeBackend, fakeBackends, pickContext, seededRandom } from './test-fixtures.ts';
import type { FakeBackend } from './test-fixtures.ts';

/** Titles of the shared cases; a skip names them, so a typo is a type error. */
export type ConformanceCase =
  | 'returns undefined with no backends'
  | 'always picks the only backend'
  | 'picks every eligible backend over many picks'
  | 'never picks a down, unknown, disabled, draining or weight-0 backend'
  | 're-checks eligibility at pick time'
  | 'skips backends at maxConnections'
  | 'skips backends in ctx.exclude'
  | 'returns undefined when every backend is excluded or full'
  | 'follows a membership change'
  | 'gives a heavier backend more connections'
  | 'accepts any client address form';

/** Cases a strategy skips, and why. */
export interface SkippedCases {
  reason: string;
  cases: readonly ConformanceCase[];
}

/** Declares the shared conformance cases for `name` in the current describe block. */
export function runStrategyConformance(name: StrategyName, skip: readonly SkippedCases[] = []): void {
  const skipped = new Set(skip.flatMap((s) => s.cases));
  const test = (title: ConformanceCase, fn: () => void): void => (skipped.has(title) ? it.skip : it)(title, fn);
  const make = (backends: readonly BackendView[] = []): Strategy => {
    const s = createStrategy(name, { options: {}, random: seededRandom(42) });
    s.update(backends);
    return s;
  };
  const idsPicked = (s: Strategy, picks: number, hold = false): BackendView['id'][] => [...countPicks(s, picks, hold).keys()].sort();

  describe(`${name} conformance`, () => {
    test('returns undefined with no backends', () => {
      const s = createStrategy(name, { options: {}, random: seededRandom(1) });
      expect(s.name).toBe(name);
      expect(s.pick(pickContext('10.0.0.1'))).toBeUndefined();
      s.update([]);
      expect(s.pick(pickContext('10.0.0.1'))).toBeUndefined();
    });

    test('always picks the only backend', () => {
      const only = fakeBackend('only', { weight: 3 });
      expect(countPicks(make([only]), 500, true)).toEqual(new Map([['only', 500]]));
    });

    test('picks every eligible backend over many picks', () => {
      // Distinct client IPs, so hash strategies are exercised too.
      expect(idsPicked(make(fakeBackends([1, 1, 1, 1, 1])), 2000)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    });

    test('never picks a down, unknown, disabled, draining or weight-0 backend', () => {
      const bad = [
        fakeBackend('down', { health: 'down' }),
        fakeBackend('unknown', { health: 'unknown' }),
        fakeBackend('disabled', { adminState: 'disabled' }),
        fakeBackend('draining', { adminState: 'draining' }),
        fakeBackend('weight0', { weight: 0 }),
        fakeBackend('ramp0', { weight: 5, effectiveWeight: 0 }),
      ];
      const good = [fakeBackend('good1'), fakeBackend('good2')];
      // Held connections leave the bad backends as the least loaded: a trap for least-*.
      expect(idsPicked(make([...bad.slice(0, 3), good[0]!, ...bad.slice(3), good[1]!]), 2000, true)).toEqual(['good1', 'good2']);
      expect(idsPicked(make(bad), 200)).toEqual(['none']);
    });

    test('re-checks eligibility at pick time', () => {
      // The engine may flip state just before calling update(); pick() must never race it.
      const [a, b] = fakeBackends([1, 1]) as [FakeBackend, FakeBackend];
      const s = make([a, b]);
      a.health = 'down';
      expect(idsPicked(s, 500)).toEqual(['b1']);
      b.adminState = 'draining';
      expect(idsPicked(s, 100)).toEqual(['none']);
    });

    test('skips backends at maxConnections', () => {
      const full = fakeBackend('full', { maxConnections: 2, active: 2 });
      const s = make([full, fakeBackend('free1'), fakeBackend('free2')]);
      expect(idsPicked(s, 1000)).toEqual(['free1', 'free2']);
    });

    test('skips backends in ctx.exclude', () => {
      const backends = fakeBackends([1, 1, 1, 1]);
      const s = make(backends);
      const exclude = new Set<BackendView>([backends[0]!, backends[2]!]);
      const seen = new Set<BackendView['id'] | undefined>();
      for (let i = 0; i < 1000; i++) seen.add(s.pick(pickContext(clientIp(i), exclude))?.id);
      expect([...seen].sort()).toEqual(['b1', 'b3']);
    });

    test('returns undefined when every backend is excluded or full', () => {
      const backends = [fakeBackend('full', { maxConnections: 1, active: 1 }), fakeBackend('tried1'), fakeBackend('tried2')];
      const s = make(backends);
      const exclude = new Set<BackendView>(backends.slice(1));
      for (let i = 0; i < 200; i++) expect(s.pick(pickContext(clientIp(i), exclude))).toBeUndefined();
    });

    test('follows a membership change', () => {
      const [a, b, c, d] = fakeBackends([1, 1, 1, 1]) as [FakeBackend, FakeBackend, FakeBackend, FakeBackend];
      const s = make([a, b, c]);
      expect(idsPicked(s, 300)).toEqual(['b0', 'b1', 'b2']);
      s.update([a, c, d]);
      expect(idsPicked(s, 2000)).toEqual(['b0', 'b2', 'b3']);
    });

    test('gives a heavier backend more connections', () => {
      // Connections are held, as in production, so load-aware strategies weigh too.
      const counts = countPicks(make(fakeBackends([3, 1])), 4000, true);
      const heavyShare = (counts.get('b0') ?? 0) / 4000;
      expect(heavyShare).toBeGreaterThan(0.65);
      expect(heavyShare).toBeLessThan(0.85);
    });

    test('accepts any client address form', () => {
      const backends = fakeBackends([1, 1]);
      const s = make(backends);
      for (const address of ['', '::1', '::ffff:10.1.2.3', '::FFFF:10.1.2.3', 'fe80::1%eth0', '2001:db8::7', 'not-an-ip']) {
        expect(backends).toContain(s.pick(pickContext(address)));
      }
    });
  });
}
