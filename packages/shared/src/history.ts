// Metric history (GET /api/services/:id/history): the ranges, their resolution, and the wire form.
// Declared once here: the admin's schema, the store's retention and the console's picker derive
// from these.
import type { EventKind } from './event-kinds.ts';

/** The time ranges the history route accepts, shortest first. */
export const HISTORY_RANGES = ['5m', '1h', '6h', '24h', '7d'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

/** Each range's length in milliseconds. */
export const HISTORY_RANGE_MS: Record<HistoryRange, number> = {
  '5m': 5 * 60_000,
  '1h': 60 * 60_000,
  '6h': 6 * 60 * 60_000,
  '24h': 24 * 60 * 60_000,
  '7d': 7 * 24 * 60 * 60_000,
};

/** A range is answered with at most about this many points per series (the step grows with the range). */
export const HISTORY_MAX_POINTS = 360;

/** Event kinds drawn as marks on history charts: operator changes and health transitions. */
export const HISTORY_MARK_KINDS = [
  'service-created',
  'service-updated',
  'backend-added',
  'backend-updated',
  'backend-removed',
  'config-replaced',
  'backend-health',
] as const satisfies readonly EventKind[];

/**
 * One series (the service, or one backend): one value per slot of `times`, null where the admin
 * did not run (no sample at all in the slot). Rates are per second over the part of the slot that
 * was sampled; `active` is the mean number of open connections; `up`/`down` are the mean number of
 * backends up/down (for a backend: the share of the slot it was up/down, 0..1).
 */
export interface HistorySeriesDto {
  active: (number | null)[];
  newPerSec: (number | null)[];
  bytesInPerSec: (number | null)[];
  bytesOutPerSec: (number | null)[];
  rejectedPerSec: (number | null)[];
  connectFailuresPerSec: (number | null)[];
  up: (number | null)[];
  down: (number | null)[];
}

/** A backend's series; `address` is its current address, or null when it was removed since. */
export interface BackendHistoryDto extends HistorySeriesDto {
  id: number;
  address: string | null;
}

/** An event drawn as a mark on the charts. */
export interface HistoryMarkDto {
  id: number;
  /** ISO 8601, UTC. */
  time: string;
  kind: EventKind;
  backendId: number | null;
  message: string;
  /** For backend-health: the state it went to (up, down, unknown); else null. */
  health: string | null;
}

/** GET /api/services/:id/history. */
export interface HistoryDto {
  serviceId: number;
  range: HistoryRange;
  /** Slot length, ms. */
  stepMs: number;
  /** Start of each slot, ms since the epoch, oldest first; the last slot holds now. */
  times: number[];
  service: HistorySeriesDto;
  backends: BackendHistoryDto[];
  /** Marked events in the range, oldest first (at most 500; the newest kept). */
  marks: HistoryMarkDto[];
}
