import { describe, expect, it } from 'vitest';
import { OutcomeWindow, failureRateReason, failureRateTripped } from './failure-rate.ts';

const settings = (passiveFailurePercent: number, passiveMinVolume: number) => ({ passiveFailurePercent, passiveMinVolume });

describe('OutcomeWindow', () => {
  it('holds the latest N outcomes: the oldest falls out once full', () => {
    const w = new OutcomeWindow(4);
    for (const failed of [true, true, false, false]) w.record(failed);
    expect([w.count, w.failures]).toEqual([4, 2]);
    w.record(false); // pushes out the first failure
    expect([w.count, w.failures]).toEqual([4, 1]);
    w.record(false);
    expect([w.count, w.failures]).toEqual([4, 0]);
    w.record(true);
    expect([w.count, w.failures]).toEqual([4, 1]);
  });

  it('keeps exact counts across word boundaries of the bit ring (size 70, many laps)', () => {
    const w = new OutcomeWindow(70);
    const history: boolean[] = [];
    for (let i = 0; i < 1000; i++) {
      const failed = (i * 7919) % 5 < 3;
      history.push(failed);
      w.record(failed);
      const last = history.slice(-70);
      expect(w.failures).toBe(last.filter(Boolean).length);
      expect(w.count).toBe(last.length);
    }
  });

  it('clear() and resize() forget every outcome', () => {
    const w = new OutcomeWindow(8);
    for (let i = 0; i < 8; i++) w.record(true);
    w.clear();
    expect([w.count, w.failures]).toEqual([0, 0]);
    w.record(true);
    w.resize(3);
    expect([w.size, w.count, w.failures]).toEqual([3, 0, 0]);
    for (const failed of [true, false, true, true]) w.record(failed);
    expect([w.count, w.failures]).toEqual([3, 2]);
  });
});

describe('failureRateTripped', () => {
  it('trips at the threshold percentage (at least, integer exact) once the minimum volume is there', () => {
    const w = new OutcomeWindow(10);
    for (const failed of [true, false, true, true, false]) w.record(failed); // 3 of 5 = 60 %
    expect(failureRateTripped(w, settings(60, 5))).toBe(true);
    expect(failureRateTripped(w, settings(61, 5))).toBe(false);
    expect(failureRateTripped(w, settings(50, 6))).toBe(false); // below the minimum volume
  });

  it('one failure out of one try does not trip with a minimum volume', () => {
    const w = new OutcomeWindow(10);
    w.record(true);
    expect(failureRateTripped(w, settings(50, 5))).toBe(false);
    expect(failureRateTripped(w, settings(50, 1))).toBe(true);
  });

  it('is off at 0 %', () => {
    const w = new OutcomeWindow(4);
    for (let i = 0; i < 4; i++) w.record(true);
    expect(failureRateTripped(w, settings(0, 1))).toBe(false);
  });

  it('names the counts and the latest failure in its reason', () => {
    const w = new OutcomeWindow(10);
    for (const failed of [true, false, true]) w.record(failed);
    expect(failureRateReason(w, 50, 'reset before first byte')).toBe('passive: 2 of 3 failed (≥ 50 %), latest reset before first byte');
  });
});
