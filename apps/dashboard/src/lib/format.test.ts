import { describe, expect, it } from 'vitest';
import { formatAgo, formatByteRate, formatBytes, formatClock, formatCount, formatDuration, formatRate } from './format.ts';

describe('formatCount', () => {
  it('keeps small numbers as they are', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(7)).toBe('7');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(2.5)).toBe('2.5');
  });
  it('uses k, M and G with one decimal under 10', () => {
    expect(formatCount(1000)).toBe('1k');
    expect(formatCount(1234)).toBe('1.2k');
    expect(formatCount(12_345)).toBe('12k');
    expect(formatCount(999_999)).toBe('1M');
    expect(formatCount(1_500_000)).toBe('1.5M');
    expect(formatCount(2_100_000_000)).toBe('2.1G');
    expect(formatCount(-1500)).toBe('-1.5k');
  });
  it('renders missing values as a dash', () => {
    expect(formatCount(null)).toBe('—');
    expect(formatCount(undefined)).toBe('—');
    expect(formatCount(Number.NaN)).toBe('—');
  });
});

describe('formatBytes', () => {
  it('uses binary multiples', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GB');
  });
  it('formats rates', () => {
    expect(formatByteRate(2048)).toBe('2 KB/s');
    expect(formatByteRate(null)).toBe('—');
    expect(formatRate(12)).toBe('12/s');
    expect(formatRate(1500)).toBe('1.5k/s');
  });
});

describe('formatDuration', () => {
  it('picks a unit by magnitude', () => {
    expect(formatDuration(0.25)).toBe('0.25 ms');
    expect(formatDuration(3.14)).toBe('3.1 ms');
    expect(formatDuration(42.4)).toBe('42 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(125_000)).toBe('2 m 5 s');
    expect(formatDuration(120_000)).toBe('2 m');
    expect(formatDuration(3 * 3_600_000 + 4 * 60_000)).toBe('3 h 4 m');
    expect(formatDuration(-1)).toBe('—');
  });
});

describe('time formatting', () => {
  it('formats a clock time', () => {
    expect(formatClock(new Date(2024, 0, 1, 9, 5, 7))).toBe('09:05:07');
    expect(formatClock('not a date')).toBe('—');
  });
  it('formats relative times', () => {
    const now = Date.UTC(2024, 0, 2, 12, 0, 0);
    expect(formatAgo(now - 2000, now)).toBe('just now');
    expect(formatAgo(now - 42_000, now)).toBe('42 s ago');
    expect(formatAgo(now - 5 * 60_000, now)).toBe('5 m ago');
    expect(formatAgo(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatAgo(now - 3 * 86_400_000, now)).toBe('2023-12-30');
  });
});
