import { describe, expect, it } from 'vitest';
import type { EventDto } from '@fulcrum/shared/api';
import { collapseBursts } from './event-bursts.ts';

let nextId = 1000;
function ev(seconds: number, kind: EventDto['kind'], serviceId: number | null, backendId: number | null, message: string = kind): EventDto {
  return { id: nextId--, time: new Date(Date.UTC(2026, 0, 1, 12, 0, seconds)).toISOString(), kind, actor: 'engine', serviceId, backendId, message, details: {} };
}
const shape = (events: EventDto[]) => collapseBursts(events).map((b) => [b.head.message, b.events.length]);

describe('collapseBursts', () => {
  it('collapses ten health events of one backend within the window into one row headed by the newest', () => {
    const events = Array.from({ length: 10 }, (_, i) => ev(50 - i * 5, 'backend-health', 1, 7, i === 0 ? 'newest' : `older ${i}`));
    const bursts = collapseBursts(events);
    expect(bursts).toHaveLength(1);
    expect(bursts[0]!.head).toBe(events[0]);
    expect(bursts[0]!.events).toEqual(events);
  });

  it('keeps different kinds, services and backends apart, even interleaved', () => {
    const events = [
      ev(10, 'backend-health', 1, 7, 'a3'),
      ev(9, 'backend-health', 1, 8, 'b2'),
      ev(8, 'backend-health', 1, 7, 'a2'),
      ev(7, 'backend-health', 1, 8, 'b1'),
      ev(6, 'backend-health', 1, 7, 'a1'),
      ev(5, 'backend-state', 1, 7, 'state'),
      ev(4, 'backend-health', 2, 7, 'other service'),
    ];
    expect(shape(events)).toEqual([
      ['a3', 3],
      ['b2', 2],
      ['state', 1],
      ['other service', 1],
    ]);
  });

  it('starts a new burst after a gap longer than the window between neighbours', () => {
    // 0 s, 50 s, 100 s: each gap is 50 s (one burst); then 200 s → 100 s gap (new burst).
    const events = [ev(200, 'service-error', 1, null, 'late'), ev(100, 'service-error', 1, null, 'c'), ev(50, 'service-error', 1, null, 'b'), ev(0, 'service-error', 1, null, 'a')];
    expect(shape(events)).toEqual([
      ['late', 1],
      ['c', 3],
    ]);
  });

  it('leaves single events alone and keeps their order', () => {
    const events = [ev(3, 'service-created', 1, null, 'x'), ev(2, 'admin-started', null, null, 'y'), ev(1, 'token-created', null, null, 'z')];
    expect(shape(events)).toEqual([
      ['x', 1],
      ['y', 1],
      ['z', 1],
    ]);
    expect(collapseBursts([])).toEqual([]);
  });
});
