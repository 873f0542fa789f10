import type { EventDto } from '@fulcrum/shared/api';
import { api } from '../../lib/api-client.ts';

export interface EventsPage {
  events: EventDto[];
  nextBefore: number | string | null;
}

/** GET /api/events: newest first; pass `before` (a previous `nextBefore`) for older pages. */
export function fetchEvents(limit = 50, before?: number | string | null): Promise<EventsPage> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (before != null) params.set('before', String(before));
  return api.get<EventsPage>(`/events?${params.toString()}`);
}
