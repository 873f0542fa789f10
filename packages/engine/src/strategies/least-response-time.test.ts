import { describe, expect, it } from 'vitest';
import { createLeastResponseTime } from './least-response-time.ts';
import { countPicks, fakeBackend, pickContext } from './test-fixtures.ts';

const ctx = pickContext('10.0.0.1');

describe('least-response-time', () => {
  it('prefers the faster backend', () => {
    const slow = fakeBackend('slow', { connectTimeEwmaMs: 20 });
    const fast = fakeBackend('fast', { connectTimeEwmaMs: 2 });
    const s = createLeastResponseTime({ options: {} });
    s.update([slow, fast]);
    expect(Object.fromEntries(countPicks(s, 100))).toEqual({ fast: 100 });
  });

  it('weighs queued connections: EWMA × (active + 1)', () => {
    // fast: 2 × 11 = 22 > slow: 20 × 1 = 20.
    const slow = fakeBackend('slow', { connectTimeEwmaMs: 20 });
    const fast = fakeBackend('fast', { connectTimeEwmaMs: 2, active: 10 });
    const s = createLeastResponseTime({ options: {} });
    s.update([fast, slow]);
    expect(s.pick(ctx)).toBe(slow);
    fast.active = 8; // 2 × 9 = 18, read live
    expect(s.pick(ctx)).toBe(fast);
  });

  it('tries unmeasured backends first so they get measured', () => {
    const measured = fakeBackend('measured', { connectTimeEwmaMs: 0.5 });
    const fresh1 = fakeBackend('fresh1');
    const fresh2 = fakeBackend('fresh2');
    const s = createLeastResponseTime({ options: {} });
    s.update([measured, fresh1, fresh2]);
    expect([s.pick(ctx)?.id, s.pick(ctx)?.id].sort()).toEqual(['fresh1', 'fresh2']);
    fresh1.connectTimeEwmaMs = 5;
    fresh2.connectTimeEwmaMs = 7;
    expect(s.pick(ctx)).toBe(measured);
  });

  it('balances held connections towards equal EWMA × (active + 1)', () => {
    const a = fakeBackend('a', { connectTimeEwmaMs: 1 });
    const b = fakeBackend('b', { connectTimeEwmaMs: 3 });
    const s = createLeastResponseTime({ options: {} });
    s.update([a, b]);
    countPicks(s, 398, true);
    // 1 × (a + 1) ≈ 3 × (b + 1) with a + b = 398 ⇒ a ≈ 299, b ≈ 99.
    expect(Math.abs(a.active - 299)).toBeLessThanOrEqual(1);
    expect(a.active + b.active).toBe(398);
  });
});
