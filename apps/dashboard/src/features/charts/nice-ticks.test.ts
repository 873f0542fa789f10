import { describe, expect, it } from 'vitest';
import { chartMax, niceTicks } from './nice-ticks.ts';

describe('niceTicks', () => {
  it('gives round decimal steps for counts', () => {
    expect(niceTicks(59)).toEqual([0, 20, 40, 60]);
    expect(niceTicks(100)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(1234)).toEqual([0, 500, 1000, 1500]);
  });
  it('gives binary-unit steps for bytes', () => {
    const KB = 1024;
    expect(niceTicks(1.7 * KB * KB, 1024)).toEqual([0, 0.5, 1, 1.5, 2].map((x) => x * KB * KB));
    expect(niceTicks(600 * KB, 1024)).toEqual([0, 200, 400, 600].map((x) => x * KB));
    expect(niceTicks(900, 1024)).toEqual([0, 250, 500, 750, 1000]);
  });
  it('covers the maximum and handles empty data', () => {
    const ticks = niceTicks(987);
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(987);
    expect(ticks.length).toBeLessThanOrEqual(5);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(Number.NaN)).toEqual([0, 1]);
  });
});

describe('chartMax', () => {
  const rows = [
    { time: 1, a: 3, b: 4 },
    { time: 2, a: 6, b: null },
  ];
  it('sums stacks', () => {
    expect(chartMax(rows, ['a', 'b'], true)).toBe(7);
  });
  it('takes the largest single value otherwise', () => {
    expect(chartMax(rows, ['a', 'b'], false)).toBe(6);
  });
});
