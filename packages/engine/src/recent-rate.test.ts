import { describe, expect, it } from 'vitest';
import { RecentRate } from './recent-rate.ts';

describe('RecentRate', () => {
  it('is 0 before any event', () => {
    expect(new RecentRate().perSecond(123_456)).toBe(0);
  });

  it('divides the events of the window by its length', () => {
    const rate = new RecentRate(60_000, 12);
    for (let i = 0; i < 30; i++) rate.add(1_000_000 + i * 1000);
    expect(rate.perSecond(1_000_000 + 30_000)).toBe(0.5);
  });

  it('forgets events older than the window, step by step', () => {
    const rate = new RecentRate(60_000, 12);
    rate.add(0, 6);
    rate.add(30_000, 6);
    expect(rate.perSecond(40_000)).toBe(0.2);
    // 60 s later the first step has left the window, the second has not.
    expect(rate.perSecond(62_000)).toBe(0.1);
    expect(rate.perSecond(95_000)).toBe(0);
  });

  it('reuses a slot when its step comes round again', () => {
    const rate = new RecentRate(10_000, 2);
    rate.add(0, 4);
    rate.add(10_000, 1);
    expect(rate.perSecond(10_000)).toBe(0.1);
  });
});
