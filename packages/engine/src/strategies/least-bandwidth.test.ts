import { describe, expect, it } from 'vitest';
import { createLeastBandwidth } from './least-bandwidth.ts';
import { countPicks, fakeBackend, pickContext } from './test-fixtures.ts';

const ctx = pickContext('10.0.0.1');

describe('least-bandwidth', () => {
  it('prefers the lowest bytes/s per unit of weight', () => {
    // a: 900/3 = 300 per weight; b: 400/1 = 400 per weight.
    const a = fakeBackend('a', { weight: 3, bandwidthEwma: 900 });
    const b = fakeBackend('b', { weight: 1, bandwidthEwma: 400 });
    const s = createLeastBandwidth({ options: {} });
    s.update([b, a]);
    expect(s.pick(ctx)).toBe(a);
    a.bandwidthEwma = 1500; // 500 per weight, read live
    expect(s.pick(ctx)).toBe(b);
  });

  it('breaks bandwidth ties by fewer active connections', () => {
    const busy = fakeBackend('busy', { bandwidthEwma: 100, active: 5 });
    const idle = fakeBackend('idle', { bandwidthEwma: 100, active: 2 });
    const s = createLeastBandwidth({ options: {} });
    s.update([busy, idle]);
    expect(Object.fromEntries(countPicks(s, 50))).toEqual({ idle: 50 });
  });

  it('rotates full ties', () => {
    const s = createLeastBandwidth({ options: {} });
    s.update([fakeBackend('a'), fakeBackend('b')]);
    expect(Object.fromEntries(countPicks(s, 100))).toEqual({ a: 50, b: 50 });
  });
});
