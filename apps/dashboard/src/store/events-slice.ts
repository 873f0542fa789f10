// The audit/event feed: newest first, deduplicated by id, bounded.
import type { EventDto } from '@fulcrum/shared/api';

export const EVENTS_CAPACITY = 200;

export interface EventsSlice {
  events: EventDto[];
  /** Cursor for older events from GET /api/events, null when there are none. */
  eventsNextBefore: number | string | null;
  eventsLoaded: boolean;
}

export const initialEventsSlice: EventsSlice = { events: [], eventsNextBefore: null, eventsLoaded: false };

function newestFirst(a: EventDto, b: EventDto): number {
  const dt = Date.parse(b.time) - Date.parse(a.time);
  return Number.isNaN(dt) || dt === 0 ? b.id - a.id : dt;
}

/** Merges events from any source (page load, live push, "load older") into one bounded list. */
export function mergeEvents(existing: readonly EventDto[], incoming: readonly EventDto[], capacity = EVENTS_CAPACITY): EventDto[] {
  if (incoming.length === 0) return existing as EventDto[];
  const byId = new Map<number, EventDto>();
  for (const event of existing) byId.set(event.id, event);
  for (const event of incoming) byId.set(event.id, event);
  return [...byId.values()].sort(newestFirst).slice(0, capacity);
}
