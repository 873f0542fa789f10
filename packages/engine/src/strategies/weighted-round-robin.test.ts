import { describe, expect, it } from 'vitest';
import type { Strategy } from '../strategy.ts';
import { fakeBackends, pickContext } from './test-fixtures.ts';
import { createWeightedRoundRobin } from './weighted-round-robin.ts';

const ctx = pickContext('10.0.0.1');

function sequence(s: Strategy, picks: number): (string | number)[] {
  return Array.from({ length: picks }, () => s.pick(ctx)!.id);
}

function strategyFor(weights: readonly number[]): Strategy {
  const s = createWeightedRoundRobin({ options: {} });
  s.update(fakeBackends(weights));
  return s;
}

describe('weighted-round-robin', () => {
  it('interleaves 5:1:1 as nginx does (a a b a c a a), not in bursts', () => {
    expect(sequence(strategyFor([5, 1, 1]), 14).join(' ')).toBe('b0 b0 b1 b0 b2 b0 b0 b0 b0 b1 b0 b2 b0 b0');
  });

  it('is exact for 5:3:2 over 10 000 picks, with no run longer than 2', () => {
    const seq = sequence(strategyFor([5, 3, 2]), 10_000);
    const counts = new Map<string | number, number>();
    let longestRun = 0;
    let run = 0;
    for (let i = 0; i < seq.length; i++) {
      counts.set(seq[i]!, (counts.get(seq[i]!) ?? 0) + 1);
      run = i > 0 && seq[i] === seq[i - 1] ? run + 1 : 1;
      longestRun = Math.max(longestRun, run);
    }
    expect(Object.fromEntries(counts)).toEqual({ b0: 5000, b1: 3000, b2: 2000 });
    // A bursty WRR serves b0 five times in a row.
    expect(longestRun).toBeLessThanOrEqual(2);
  });

  it('keeps every prefix of the sequence within one pick of its exact share', () => {
    for (const weights of [[5, 1, 1], [5, 3, 2], [7, 5, 3, 2, 1], [9, 1]]) {
      const total = weights.reduce((a, b) => a + b, 0);
      const seq = sequence(strategyFor(weights), 2000);
      const counts = weights.map(() => 0);
      seq.forEach((id, t) => {
        counts[Number(String(id).slice(1))]!++;
        weights.forEach((w, i) => expect(Math.abs(counts[i]! - ((t + 1) * w) / total)).toBeLessThan(1));
      });
    }
  });

  it('reads effectiveWeight live, so slow start ramps without update()', () => {
    const backends = fakeBackends([1, 1]);
    const s = createWeightedRoundRobin({ options: {} });
    s.update(backends);
    backends[1]!.effectiveWeight = 0.25;
    const seq = sequence(s, 1000);
    expect(seq.filter((id) => id === 'b1').length).toBe(200);
  });

  it('leaves excluded backends out of the round', () => {
    const backends = fakeBackends([2, 1]);
    const s = createWeightedRoundRobin({ options: {} });
    s.update(backends);
    for (let i = 0; i < 10; i++) expect(s.pick(pickContext('10.0.0.1', new Set([backends[0]!])))?.id).toBe('b1');
  });
});
