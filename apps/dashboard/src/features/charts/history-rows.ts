// Turns a history answer into recharts rows: one row per slot, one key per backend (`b<id>`, as
// in the live charts), null where the admin was not running, so connectNulls=false leaves a gap.
import type { BackendHistoryDto, HistoryDto, HistoryRange } from '@fulcrum/shared/history';
import type { ChartMetric, ChartRow, ChartSeries } from './chart-series.ts';
import { seriesKey } from './chart-series.ts';

function value(backend: BackendHistoryDto, metric: ChartMetric, i: number): number | null {
  switch (metric) {
    case 'active':
      return backend.active[i] ?? null;
    case 'newPerSec':
      return backend.newPerSec[i] ?? null;
    case 'throughput': {
      const bytesIn = backend.bytesInPerSec[i] ?? null;
      const bytesOut = backend.bytesOutPerSec[i] ?? null;
      return bytesIn === null && bytesOut === null ? null : (bytesIn ?? 0) + (bytesOut ?? 0);
    }
  }
}

/** One row per slot of `history` for the backends of `series`. */
export function historyRows(history: HistoryDto, series: readonly ChartSeries[], metric: ChartMetric): ChartRow[] {
  const byId = new Map(history.backends.map((b) => [b.id, b]));
  return history.times.map((time, i) => {
    const row: ChartRow = { time };
    for (const s of series) {
      const backend = byId.get(s.id);
      row[s.key] = backend ? value(backend, metric, i) : null;
    }
    return row;
  });
}

/** Every backend of the answer, labelled by its current address or, once removed, by id. */
export function historySeries(history: HistoryDto): ChartSeries[] {
  return history.backends.map((b) => ({ id: b.id, key: seriesKey(b.id), label: b.address ?? `backend #${b.id} (removed)` }));
}

/** The picker's choices: Live is the WebSocket feed, the others are stored history. */
export type ChartRange = 'live' | HistoryRange;

/** Picker entries in order, with their labels. */
export const CHART_RANGES: readonly { value: ChartRange; label: string }[] = [
  { value: 'live', label: 'Live' },
  { value: '5m', label: '5 min' },
  { value: '1h', label: '1 h' },
  { value: '6h', label: '6 h' },
  { value: '24h', label: '24 h' },
];

/** Spacing of the time axis' ticks for a range. */
export function tickSpacing(rangeMs: number): number {
  if (rangeMs <= 10 * 60_000) return 60_000;
  if (rangeMs <= 2 * 3600_000) return 10 * 60_000;
  if (rangeMs <= 12 * 3600_000) return 3600_000;
  return 4 * 3600_000;
}

/** Round ticks (multiples of the spacing in local time) between start and end. */
export function timeTicks(start: number, end: number, spacing: number): number[] {
  const offset = new Date(start).getTimezoneOffset() * 60_000;
  const first = Math.ceil((start - offset) / spacing) * spacing + offset;
  const ticks: number[] = [];
  for (let t = first; t <= end; t += spacing) ticks.push(t);
  return ticks;
}
