// The events view's filter: what the operator chose, as GET /api/events query parameters, and the
// same test applied to live events so a pushed event shows only when the server would list it.
import type { EventDto } from '@fulcrum/shared/api';
import { EVENT_QUERY_LIMITS } from '@fulcrum/shared/limits';

/** Time range presets; `custom` uses `from`/`to`. */
export const TIME_RANGES = [
  { value: 'any', label: 'Any time', ms: null },
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { value: '1h', label: 'Last hour', ms: 60 * 60_000 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * 60 * 60_000 },
  { value: 'custom', label: 'Between…', ms: null },
] as const;

export type TimeRange = (typeof TIME_RANGES)[number]['value'];

export interface EventFilter {
  kind: string;
  /** A service id as text ('' = every service). */
  serviceId: string;
  actor: string;
  /** Text search in the message (sent as `q`). */
  q: string;
  range: TimeRange;
  /** `custom` range bounds as datetime-local values (local time), '' = open. */
  from: string;
  to: string;
}

export const EMPTY_FILTER: EventFilter = { kind: '', serviceId: '', actor: '', q: '', range: 'any', from: '', to: '' };

/** A datetime-local value (local time) as ISO 8601 UTC, or undefined when empty or invalid. */
function localToIso(value: string): string | undefined {
  if (value === '') return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** The filter as GET /api/events parameters (no paging), relative ranges resolved at `now`. */
export function filterParams(filter: EventFilter, now = Date.now()): Record<string, string> {
  const params: Record<string, string> = {};
  if (filter.kind) params.kind = filter.kind;
  if (filter.serviceId) params.serviceId = filter.serviceId;
  const actor = filter.actor.trim();
  if (actor) params.actor = actor;
  const q = filter.q.trim().slice(0, EVENT_QUERY_LIMITS.searchMaxLength);
  if (q) params.q = q;
  const preset = TIME_RANGES.find((r) => r.value === filter.range);
  if (preset?.ms != null) params.since = new Date(now - preset.ms).toISOString();
  if (filter.range === 'custom') {
    const since = localToIso(filter.from);
    const until = localToIso(filter.to);
    if (since) params.since = since;
    if (until) params.until = until;
  }
  return params;
}

/** True when no filter is set. */
export function isEmptyFilter(filter: EventFilter): boolean {
  return Object.keys(filterParams(filter)).length === 0;
}

/** ASCII-only lower case, as SQLite's LIKE folds case. */
const asciiLower = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Whether the server would list `event` for these parameters (a live push is shown only then). */
export function matchesParams(event: EventDto, params: Readonly<Record<string, string>>): boolean {
  if (params.kind !== undefined && event.kind !== params.kind) return false;
  if (params.serviceId !== undefined && String(event.serviceId) !== params.serviceId) return false;
  if (params.actor !== undefined && event.actor !== params.actor) return false;
  if (params.since !== undefined && event.time < params.since) return false;
  if (params.until !== undefined && event.time >= params.until) return false;
  if (params.q !== undefined && !asciiLower(event.message).includes(asciiLower(params.q))) return false;
  return true;
}
