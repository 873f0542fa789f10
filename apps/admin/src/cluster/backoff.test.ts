import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';

describe('Backoff', () => {
  it('doubles from 0.1 s up to 10 s while crashes follow each other', () => {
    const b = new Backoff();
    const delays = Array.from({ length: 10 }, () => b.next(50));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
  });

  it('starts over after a worker stayed up for the stable period', () => {
    const b = new Backoff({ stableMs: 1000 });
    b.next(0);
    b.next(0);
    expect(b.next(0)).toBe(400);
    expect(b.next(1000)).toBe(100);
    expect(b.streak).toBe(1);
  });
});
