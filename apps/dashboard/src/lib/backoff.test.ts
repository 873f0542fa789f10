import { describe, expect, it } from 'vitest';
import { backoffDelay, LIVE_BACKOFF } from './backoff.ts';

describe('backoffDelay', () => {
  const middle = () => 0.5;

  it('doubles from 0.5 s and caps at 8 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9, 100].map((n) => backoffDelay(n, LIVE_BACKOFF, middle))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000, 8000,
    ]);
  });

  it('applies jitter within the configured spread and never exceeds the cap', () => {
    expect(backoffDelay(0, LIVE_BACKOFF, () => 0)).toBe(400);
    expect(backoffDelay(0, LIVE_BACKOFF, () => 1)).toBe(600);
    expect(backoffDelay(10, LIVE_BACKOFF, () => 1)).toBe(8000);
    expect(backoffDelay(10, LIVE_BACKOFF, () => 0)).toBe(6400);
  });
});
