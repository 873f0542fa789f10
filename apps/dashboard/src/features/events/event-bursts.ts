// Bursts of the same event collapse in the feed: "backend-health ×10" instead of ten rows. Events
// with the same kind, service and backend belong to one burst while each is at most
// BURST_WINDOW_MS older than the burst's previous (older-going) member; other events in between
// do not break a burst, so two backends flapping at once still make two rows.
import type { EventDto } from '@fulcrum/shared/api';

/** Longest gap between two members of one burst. */
export const BURST_WINDOW_MS = 60_000;

/** One row of the feed: the newest event of a burst and every member, newest first (`events[0]` is `head`). */
export interface EventBurst {
  head: EventDto;
  events: EventDto[];
}

const burstKey = (e: EventDto): string => `${e.kind}|${e.serviceId ?? ''}|${e.backendId ?? ''}`;

/** Groups `events` (newest first) into bursts, in the order of their newest member. */
export function collapseBursts(events: readonly EventDto[], windowMs = BURST_WINDOW_MS): EventBurst[] {
  const bursts: EventBurst[] = [];
  // The burst each key may still extend, with the time of its oldest member so far.
  const open = new Map<string, { burst: EventBurst; oldest: number }>();
  for (const event of events) {
    const key = burstKey(event);
    const time = Date.parse(event.time);
    const current = open.get(key);
    if (current && Number.isFinite(time) && current.oldest - time <= windowMs) {
      current.burst.events.push(event);
      current.oldest = time;
      continue;
    }
    const burst: EventBurst = { head: event, events: [event] };
    bursts.push(burst);
    open.set(key, { burst, oldest: Number.isFinite(time) ? time : -Infinity });
  }
  return bursts;
}
