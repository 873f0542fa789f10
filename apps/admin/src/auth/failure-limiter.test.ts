// The failed-authentication budget on a clock we move.
import { expect, it } from 'vitest';
import { FailureLimiter } from './failure-limiter.ts';

let now = 1_000_000;
const limiter = (maxClients = 100) => new FailureLimiter({ maxFailures: 3, windowMs: 60_000, maxClients, now: () => now });

it('blocks a client at its last allowed failure until the window that failure belongs to ends', () => {
  const l = limiter();
  l.fail('a');
  now += 10_000;
  l.fail('a');
  expect(l.blockedFor('a')).toBe(0);
  l.fail('a');
  // The window opened with the first failure, 10 s ago.
  expect(l.blockedFor('a')).toBe(50_000);
  expect(l.blockedFor('b')).toBe(0);
  now += 49_999;
  expect(l.blockedFor('a')).toBe(1);
  now += 1;
  expect(l.blockedFor('a')).toBe(0);
  // A new window: three more failures before the next block.
  l.fail('a');
  l.fail('a');
  expect(l.blockedFor('a')).toBe(0);
  l.fail('a');
  expect(l.blockedFor('a')).toBe(60_000);
});

it('forgets failures older than the window', () => {
  const l = limiter();
  l.fail('a');
  l.fail('a');
  now += 60_000;
  l.fail('a');
  expect(l.blockedFor('a')).toBe(0);
});

it('remembers which tokens authenticated from a client', () => {
  const l = limiter();
  expect(l.isProven('a')).toBe(false);
  l.succeed('a', 7);
  expect(l.isProven('a')).toBe(true);
  expect(l.isProven('a', 7)).toBe(true);
  expect(l.isProven('a', 8)).toBe(false);
  expect(l.isProven('b', 7)).toBe(false);
  // A success does not wipe the failures: a proven client gets in, its guesses stay counted.
  for (let i = 0; i < 3; i++) l.fail('a');
  expect(l.blockedFor('a')).toBeGreaterThan(0);
  expect(l.isProven('a', 7)).toBe(true);
});

it('keeps at most 8 proven tokens per client, the most recent ones', () => {
  const l = limiter();
  for (let id = 1; id <= 10; id++) l.succeed('a', id);
  expect([1, 2].map((id) => l.isProven('a', id))).toEqual([false, false]);
  expect([3, 10].map((id) => l.isProven('a', id))).toEqual([true, true]);
});

it('stays within maxClients whatever the number of distinct clients, dropping the least recently used', () => {
  const l = limiter(1000);
  for (let i = 0; i < 3; i++) l.fail('attacker');
  let largest = 0;
  for (let i = 0; i < 100_000; i++) {
    l.fail(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    if (i % 500 === 0) l.fail('attacker'); // kept fresh: still blocked
    largest = Math.max(largest, l.size);
  }
  expect(largest).toBe(1000);
  expect(l.size).toBe(1000);
  expect(l.blockedFor('attacker')).toBeGreaterThan(0);
  // The first of the many was dropped long ago, the last ones are still counted.
  l.fail('10.0.0.0');
  expect(l.blockedFor('10.0.0.0')).toBe(0);
  l.fail('10.1.134.159');
  l.fail('10.1.134.159');
  expect(l.blockedFor('10.1.134.159')).toBeGreaterThan(0);
});
