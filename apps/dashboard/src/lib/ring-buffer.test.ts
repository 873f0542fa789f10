import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.ts';

describe('RingBuffer', () => {
  it('keeps items in insertion order below capacity', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.toArray()).toEqual([]);
    expect(ring.last()).toBeUndefined();
    ring.push(1);
    ring.push(2);
    expect(ring.toArray()).toEqual([1, 2]);
    expect(ring.size).toBe(2);
    expect(ring.last()).toBe(2);
  });

  it('evicts the oldest items past capacity', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 10; i++) ring.push(i);
    expect(ring.size).toBe(3);
    expect(ring.toArray()).toEqual([8, 9, 10]);
    expect(ring.last()).toBe(10);
  });

  it('stays bounded over a long run', () => {
    const ring = new RingBuffer<number>(300);
    for (let i = 0; i < 100_000; i++) ring.push(i);
    const items = ring.toArray();
    expect(items).toHaveLength(300);
    expect(items[0]).toBe(99_700);
    expect(items[299]).toBe(99_999);
  });

  it('can be cleared and reused', () => {
    const ring = new RingBuffer<string>(2);
    ring.push('a');
    ring.push('b');
    ring.push('c');
    ring.clear();
    expect(ring.size).toBe(0);
    ring.push('d');
    expect(ring.toArray()).toEqual(['d']);
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
