import { describe, expect, it } from 'vitest';
import { assignSlots } from './series-slots.ts';

describe('assignSlots', () => {
  it('gives new backends the lowest free slots in id order', () => {
    expect([...assignSlots(new Map(), [30, 10, 20])]).toEqual([
      [10, 0],
      [20, 1],
      [30, 2],
    ]);
  });

  it('keeps slots when others come and go, and reuses a freed slot', () => {
    const first = assignSlots(new Map(), [1, 2, 3]);
    const removed = assignSlots(first, [1, 3]);
    expect(removed.get(3)).toBe(2);
    const added = assignSlots(removed, [1, 3, 9]);
    expect(added.get(9)).toBe(1);
    expect(added.get(3)).toBe(2);
  });

  it('never gives two known backends the same slot, even with sparse ids', () => {
    const ids = [5, 21, 37, 53, 69, 85, 101, 117, 133, 149, 165, 181, 197, 213, 229, 245];
    expect(new Set(assignSlots(new Map(), ids).values()).size).toBe(16);
  });
});
