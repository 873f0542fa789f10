import { describe, expect, it } from 'vitest';
import type { BackendCheckDto } from '@fulcrum/shared/api';
import { downSummary, formatFailureRate, formatSince, lastCheckLine, lastCheckResult, streakLine, weightLine } from './health-detail.ts';

const NOW = Date.UTC(2026, 10, 30, 14, 0, 0);

function check(patch: Partial<BackendCheckDto> = {}): BackendCheckDto {
  return {
    reason: 'fall: 3 × connect refused',
    since: NOW - 125_000,
    lastAt: NOW - 3_000,
    lastOk: false,
    lastDurationMs: 0.42,
    lastMessage: 'connect refused',
    consecutiveSuccesses: 0,
    consecutiveFailures: 7,
    role: null,
    ...patch,
  };
}

describe('downSummary', () => {
  it('gives a down row its reason and since when', () => {
    expect(downSummary({ health: 'down', check: check() }, NOW)).toBe('fall: 3 × connect refused · since 2 m ago');
  });
  it('says nothing for a row that is not down, or has no detail', () => {
    expect(downSummary({ health: 'up', check: check({ reason: 'rise: 2 × ok' }) }, NOW)).toBeNull();
    expect(downSummary({ health: 'down', check: null }, NOW)).toBeNull();
  });
  it('keeps what it knows when part is missing', () => {
    expect(downSummary({ health: 'down', check: check({ reason: null }) }, NOW)).toBe('since 2 m ago');
  });
});

describe('last check', () => {
  it('reads result, duration and time', () => {
    expect(lastCheckResult(check())).toBe('failed: connect refused');
    expect(lastCheckResult(check({ lastOk: true, lastMessage: null }))).toBe('passed');
    expect(lastCheckLine(check(), NOW)).toMatch(/^failed: connect refused · took 0\.42 ms · just now \(\d\d:\d\d:\d\d\)$/);
  });
  it('says none yet before the first probe (or with passive detection only)', () => {
    const none = check({ lastAt: null, lastOk: null, lastDurationMs: null, lastMessage: null, consecutiveFailures: 0 });
    expect(lastCheckResult(none)).toBe('none yet');
    expect(lastCheckLine(none, NOW)).toBe('none yet');
  });
  it('counts the current streak', () => {
    expect(streakLine(check())).toBe('7 failed in a row');
    expect(streakLine(check({ consecutiveFailures: 0, consecutiveSuccesses: 4 }))).toBe('4 passed in a row');
    expect(streakLine(check({ consecutiveFailures: 0 }))).toBe('—');
  });
});

describe('formatting', () => {
  it('gives since as relative and clock time', () => {
    expect(formatSince(NOW - 42_000, NOW)).toMatch(/^42 s ago \(\d\d:\d\d:\d\d\)$/);
    expect(formatSince(null, NOW)).toBe('—');
  });
  it('shows the effective weight only while it differs', () => {
    expect(weightLine({ weight: 5, effectiveWeight: 1.4 })).toBe('1.4 of 5 (slow start)');
    expect(weightLine({ weight: 5, effectiveWeight: 5 })).toBe('5');
    expect(weightLine({ weight: 5, effectiveWeight: null })).toBe('5');
  });
  it('shows failures per minute when rare, per second when frequent', () => {
    expect(formatFailureRate(0)).toBe('0');
    expect(formatFailureRate(0.1)).toBe('6/min');
    expect(formatFailureRate(1 / 60)).toBe('1/min');
    expect(formatFailureRate(2.5)).toBe('2.5/s');
    expect(formatFailureRate(null)).toBe('—');
  });
});
