import type { EventDto } from '@fulcrum/shared/api';
import { EVENT_QUERY_LIMITS } from '@fulcrum/shared/limits';
import { api } from '../../lib/api-client.ts';

export interface EventsPage {
  events: EventDto[];
  nextBefore: number | string | null;
}

/** GET /api/events: newest first; pass `before` (a previous `nextBefore`) for older pages, `filter` for kind, serviceId, actor, since, until, q. */
export function fetchEvents(limit = 50, before?: number | string | null, filter: Readonly<Record<string, string>> = {}, signal?: AbortSignal): Promise<EventsPage> {
  const params = new URLSearchParams({ ...filter, limit: String(limit) });
  if (before != null) params.set('before', String(before));
  return api.get<EventsPage>(`/events?${params.toString()}`, signal ? { signal } : undefined);
}

/**
 * Every event the filter selects, newest first, at most EVENT_QUERY_LIMITS.exportMaxRows (an
 * export is a file for a person or a spreadsheet, not a backup): `truncated` says whether more exist.
 */
export async function fetchForExport(filter: Readonly<Record<string, string>>): Promise<{ events: EventDto[]; truncated: boolean }> {
  const events: EventDto[] = [];
  let before: number | string | null = null;
  for (;;) {
    const room = EVENT_QUERY_LIMITS.exportMaxRows - events.length;
    const page: EventsPage = await fetchEvents(Math.min(EVENT_QUERY_LIMITS.pageMax, room), before, filter);
    events.push(...page.events);
    before = page.nextBefore;
    if (before == null) return { events, truncated: false };
    if (events.length >= EVENT_QUERY_LIMITS.exportMaxRows) return { events, truncated: true };
  }
}
