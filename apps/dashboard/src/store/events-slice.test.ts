import { describe, expect, it } from 'vitest';
import type { EventDto } from '@fulcrum/shared/api';
import { mergeEvents } from './events-slice.ts';

function ev(id: number, second: number): EventDto {
  return { id, time: new Date(Date.UTC(2024, 0, 1, 0, 0, second)).toISOString(), kind: 'config-replaced', actor: 'admin', serviceId: null, backendId: null, message: `e${id}`, details: {} };
}

describe('mergeEvents', () => {
  it('orders newest first and deduplicates by id', () => {
    const merged = mergeEvents([ev(2, 2), ev(1, 1)], [ev(3, 3), ev(2, 2)]);
    expect(merged.map((e) => e.id)).toEqual([3, 2, 1]);
  });
  it('breaks time ties by id', () => {
    expect(mergeEvents([], [ev(1, 5), ev(2, 5)]).map((e) => e.id)).toEqual([2, 1]);
  });
  it('is bounded, dropping the oldest', () => {
    const many = Array.from({ length: 500 }, (_, i) => ev(i + 1, i));
    const merged = mergeEvents([], many, 200);
    expect(merged).toHaveLength(200);
    expect(merged[0]?.id).toBe(500);
    expect(merged.at(-1)?.id).toBe(301);
  });
  it('returns the same list when nothing arrives', () => {
    const list = [ev(1, 1)];
    expect(mergeEvents(list, [])).toBe(list);
  });
});
