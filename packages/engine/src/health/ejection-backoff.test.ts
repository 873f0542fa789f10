import { describe, expect, it } from 'vitest';
import { FLAP_WINDOW_MS, MAX_EJECTION_MS, nextEjectionMs } from './ejection-backoff.ts';

describe('nextEjectionMs', () => {
  it('starts at the base period', () => {
    expect(nextEjectionMs(undefined, 1000, 2000)).toBe(2000);
  });

  it('doubles when ejected again within the flap window after the last period ended', () => {
    expect(nextEjectionMs({ periodMs: 2000, endsAt: 10_000 }, 10_500, 2000)).toBe(4000);
    expect(nextEjectionMs({ periodMs: 4000, endsAt: 20_000 }, 20_000 + FLAP_WINDOW_MS - 1, 2000)).toBe(8000);
  });

  it('caps at five minutes', () => {
    expect(MAX_EJECTION_MS).toBe(300_000);
    expect(nextEjectionMs({ periodMs: 200_000, endsAt: 0 }, 10, 2000)).toBe(MAX_EJECTION_MS);
    expect(nextEjectionMs({ periodMs: MAX_EJECTION_MS, endsAt: 0 }, 10, 2000)).toBe(MAX_EJECTION_MS);
    expect(nextEjectionMs(undefined, 0, 900_000)).toBe(MAX_EJECTION_MS);
  });

  it('starts over after a quiet flap window', () => {
    expect(nextEjectionMs({ periodMs: 64_000, endsAt: 100_000 }, 100_000 + FLAP_WINDOW_MS, 2000)).toBe(2000);
  });

  it('never drops below the base when the interval grew', () => {
    expect(nextEjectionMs({ periodMs: 1000, endsAt: 0 }, 10, 5000)).toBe(5000);
  });
});
