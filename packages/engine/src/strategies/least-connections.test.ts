import { describe, expect, it } from 'vitest';
import { createLeastConnections } from './least-connections.ts';
import { countPicks, fakeBackend, fakeBackends, pickContext } from './test-fixtures.ts';

const ctx = pickContext('10.0.0.1');

describe('least-connections', () => {
  it('prefers the lowest active / weight, not the lowest active', () => {
    // a: 4/2 = 2 per weight; b: 3/1 = 3 per weight.
    const a = fakeBackend('a', { weight: 2, active: 4 });
    const b = fakeBackend('b', { weight: 1, active: 3 });
    const s = createLeastConnections({ options: {} });
    s.update([b, a]);
    expect(s.pick(ctx)).toBe(a);
    // Read live: once a reaches 8 (4 per weight) b wins without update().
    a.active = 8;
    expect(s.pick(ctx)).toBe(b);
  });

  it('rotates ties so equal backends share load', () => {
    const s = createLeastConnections({ options: {} });
    const backends = fakeBackends([1, 1, 5]);
    backends[2]!.active = 100;
    s.update(backends);
    const counts = countPicks(s, 1000);
    expect(Object.fromEntries(counts)).toEqual({ b0: 500, b1: 500 });
  });

  it('spreads held connections exactly by weight', () => {
    const s = createLeastConnections({ options: {} });
    const backends = fakeBackends([5, 3, 2]);
    s.update(backends);
    countPicks(s, 1000, true);
    expect(backends.map((b) => b.active)).toEqual([500, 300, 200]);
  });
});
