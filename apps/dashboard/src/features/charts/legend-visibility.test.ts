import { describe, expect, it } from 'vitest';
import { legendClick } from './legend-visibility.ts';

const all = [1, 2, 3];
const sorted = (set: Set<number>) => [...set].sort();

describe('legendClick', () => {
  it('a click shows only that backend; clicking it again shows all', () => {
    const only2 = legendClick(all, new Set(), 2, false);
    expect(sorted(only2)).toEqual([1, 3]);
    expect(sorted(legendClick(all, only2, 2, false))).toEqual([]);
  });

  it('a click on another backend while one is isolated isolates that one', () => {
    expect(sorted(legendClick(all, new Set([1, 3]), 3, false))).toEqual([1, 2]);
  });

  it('shift-click hides and shows one backend', () => {
    const no3 = legendClick(all, new Set(), 3, true);
    expect(sorted(no3)).toEqual([3]);
    expect(sorted(legendClick(all, no3, 3, true))).toEqual([]);
  });

  it('never hides every backend', () => {
    expect(sorted(legendClick(all, new Set([1, 2]), 3, true))).toEqual([]);
  });
});
