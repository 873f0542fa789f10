import { describe, expect, it } from 'vitest';
import { slowStartFactor } from './slow-start.ts';

describe('slowStartFactor', () => {
  it('is 1 when slow start is off', () => {
    expect(slowStartFactor(0, 0)).toBe(1);
    expect(slowStartFactor(5, -1)).toBe(1);
  });

  it('ramps linearly from 0.1 to 1 over the window', () => {
    expect(slowStartFactor(0, 10_000)).toBeCloseTo(0.1);
    expect(slowStartFactor(5000, 10_000)).toBeCloseTo(0.55);
    expect(slowStartFactor(9999, 10_000)).toBeLessThan(1);
    expect(slowStartFactor(10_000, 10_000)).toBe(1);
    expect(slowStartFactor(60_000, 10_000)).toBe(1);
  });

  it('treats a negative elapsed time (clock skew) as just up', () => {
    expect(slowStartFactor(-50, 10_000)).toBeCloseTo(0.1);
  });
});
