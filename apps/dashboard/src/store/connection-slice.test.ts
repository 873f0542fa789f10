import { describe, expect, it } from 'vitest';
import { isStale } from './connection-slice.ts';

describe('isStale', () => {
  it('is fresh only while open and talking', () => {
    expect(isStale({ status: 'open', silent: false })).toBe(false);
    expect(isStale({ status: 'open', silent: true })).toBe(true);
    expect(isStale({ status: 'reconnecting', silent: false })).toBe(true);
    expect(isStale({ status: 'connecting', silent: false })).toBe(true);
    expect(isStale({ status: 'idle', silent: false })).toBe(true);
  });
});
