// From a range to slots and back (pure): which resolution and step answer a range, which slots it
// has, and the stored slot rows turned into aligned series with null where nothing was sampled.
import { HISTORY_MAX_POINTS, HISTORY_RANGE_MS } from '@fulcrum/shared/history';
import type { BackendHistoryDto, HistoryRange, HistorySeriesDto } from '@fulcrum/shared/history';
import type { SlotQuery, SlotRow } from './history-db.ts';
import { SERVICE_SERIES } from './history-row.ts';

/** What a range reads: the stored resolution, the slot length and the slots. */
export interface HistoryPlan {
  res: number;
  stepMs: number;
  /** Slot starts, oldest first. */
  times: number[];
  from: number;
  to: number;
}

/**
 * The plan for `range` at `now`: the step is the smallest multiple of the bucket giving at most
 * HISTORY_MAX_POINTS slots; coarse points are read when the step is a multiple of the coarse
 * bucket (fewer rows) or the range reaches past the fine retention. The last slot is the one
 * holding the newest finished bucket (the current bucket is still in memory).
 */
export function planHistory(range: HistoryRange, now: number, bucketMs: number, coarseMs: number, fineKeepMs: number): HistoryPlan {
  const rangeMs = HISTORY_RANGE_MS[range];
  const useCoarse = rangeMs > fineKeepMs || Math.ceil(rangeMs / HISTORY_MAX_POINTS / bucketMs) * bucketMs >= coarseMs;
  const res = useCoarse ? coarseMs : bucketMs;
  const stepMs = Math.max(1, Math.ceil(rangeMs / HISTORY_MAX_POINTS / res)) * res;
  const lastBucket = Math.floor(now / bucketMs) * bucketMs - bucketMs;
  const lastSlot = Math.floor(lastBucket / stepMs) * stepMs;
  const count = Math.max(1, Math.round(rangeMs / stepMs));
  const times: number[] = [];
  for (let i = count - 1; i >= 0; i--) times.push(lastSlot - i * stepMs);
  return { res, stepMs, times, from: times[0] as number, to: lastSlot + stepMs };
}

/** The slot query for a plan. */
export const slotQuery = (serviceId: number, plan: HistoryPlan): SlotQuery => ({ serviceId, res: plan.res, from: plan.from, to: plan.to, stepMs: plan.stepMs });

const emptySeries = (n: number): HistorySeriesDto => ({
  active: new Array<number | null>(n).fill(null),
  newPerSec: new Array<number | null>(n).fill(null),
  bytesInPerSec: new Array<number | null>(n).fill(null),
  bytesOutPerSec: new Array<number | null>(n).fill(null),
  rejectedPerSec: new Array<number | null>(n).fill(null),
  connectFailuresPerSec: new Array<number | null>(n).fill(null),
  up: new Array<number | null>(n).fill(null),
  down: new Array<number | null>(n).fill(null),
});

/** Rounds to 3 decimals: the wire stays short and charts need no more. */
const round = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * Aligns slot rows to the plan's times: the service series, and one series per backend that has
 * points in the range or is configured now (`addresses`: current backends by id).
 */
export function toSeries(plan: HistoryPlan, rows: SlotRow[], addresses: Map<number, string>): { service: HistorySeriesDto; backends: BackendHistoryDto[] } {
  const n = plan.times.length;
  const index = new Map(plan.times.map((t, i) => [t, i]));
  const service = emptySeries(n);
  const backends = new Map<number, BackendHistoryDto>();
  const backend = (id: number): BackendHistoryDto => {
    let series = backends.get(id);
    if (!series) {
      series = { id, address: addresses.get(id) ?? null, ...emptySeries(n) };
      backends.set(id, series);
    }
    return series;
  };
  for (const id of addresses.keys()) backend(id);
  for (const row of rows) {
    const i = index.get(row.slot);
    if (i === undefined || row.span <= 0) continue;
    const series = row.backendId === SERVICE_SERIES ? service : backend(row.backendId);
    const perSec = (count: number) => round((count * 1000) / row.span);
    series.active[i] = round(row.active);
    series.newPerSec[i] = perSec(row.newConns);
    series.bytesInPerSec[i] = perSec(row.bytesIn);
    series.bytesOutPerSec[i] = perSec(row.bytesOut);
    series.rejectedPerSec[i] = perSec(row.rejected);
    series.connectFailuresPerSec[i] = perSec(row.failures);
    series.up[i] = round(row.up);
    series.down[i] = round(row.down);
  }
  return { service, backends: [...backends.values()].sort((a, b) => a.id - b.id) };
}
