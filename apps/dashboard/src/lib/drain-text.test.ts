import { describe, expect, it } from 'vitest';
import { drainLimit, drainOutcome } from './drain-text.ts';

describe('drain wording', () => {
  it('says connections are closed after a positive timeout', () => {
    expect(drainOutcome(30_000)).toBe('Connections still open after 30 s are closed.');
    expect(drainOutcome(90_000)).toBe('Connections still open after 1 m 30 s are closed.');
    expect(drainLimit(30_000)).toBe('30 s');
  });
  it('says 0 is no limit, as the engine implements it', () => {
    expect(drainOutcome(0)).toBe('Open connections last as long as they need (drain timeout 0 = no limit).');
    expect(drainLimit(0)).toBe('no limit');
  });
});
