import { describe, expect, it } from 'vitest';
import type { BackendView } from '../strategy.ts';
import { createRandom } from './random.ts';
import { countPicks, fakeBackends, pickContext, seededRandom } from './test-fixtures.ts';

function shares(counts: Map<string | number, number>, total: number): number[] {
  return ['b0', 'b1', 'b2'].map((id) => (counts.get(id) ?? 0) / total);
}

describe('random', () => {
  it('follows weights 5:3:2 within ±3 points over 10 000 picks', () => {
    const s = createRandom({ options: {}, random: seededRandom(7) });
    s.update(fakeBackends([5, 3, 2]));
    const [a, b, c] = shares(countPicks(s, 10_000), 10_000);
    expect(Math.abs(a! - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(b! - 0.3)).toBeLessThan(0.03);
    expect(Math.abs(c! - 0.2)).toBeLessThan(0.03);
  });

  it('uses effectiveWeight live (slow start) without update()', () => {
    const backends = fakeBackends([5, 5, 0]);
    const s = createRandom({ options: {}, random: seededRandom(8) });
    s.update(backends);
    backends[1]!.effectiveWeight = 1; // ramping: 5:1
    const [a, b] = shares(countPicks(s, 10_000), 10_000);
    expect(Math.abs(a! - 5 / 6)).toBeLessThan(0.03);
    expect(Math.abs(b! - 1 / 6)).toBeLessThan(0.03);
  });

  it('keeps the weights among the remaining backends when one is excluded', () => {
    const backends = fakeBackends([5, 3, 2]);
    const s = createRandom({ options: {}, random: seededRandom(9) });
    s.update(backends);
    const exclude = new Set<BackendView>([backends[0]!]);
    let b1 = 0;
    for (let i = 0; i < 10_000; i++) if (s.pick(pickContext('10.0.0.1', exclude)) === backends[1]) b1++;
    expect(Math.abs(b1 / 10_000 - 0.6)).toBeLessThan(0.03);
  });

  it('is deterministic for a given random source', () => {
    const run = (): (string | number | undefined)[] => {
      const s = createRandom({ options: {}, random: seededRandom(3) });
      s.update(fakeBackends([1, 2, 3]));
      return Array.from({ length: 50 }, () => s.pick(pickContext('10.0.0.1'))?.id);
    };
    expect(run()).toEqual(run());
  });
});
