// Turns the stats history into recharts rows for one service: one row per second, one key per
// backend (`b<id>`), so each backend is one line with a colour fixed by its id.
import type { BackendPoint, HistoryPoint } from '../../store/stats-slice.ts';

export type ChartMetric = 'active' | 'newPerSec' | 'throughput';

export interface ChartRow {
  time: number;
  [series: string]: number | null;
}

export interface ChartSeries {
  id: number;
  key: string;
  label: string;
}

/** The series key of a backend. */
export function seriesKey(backendId: number): string {
  return `b${backendId}`;
}

function metricValue(point: BackendPoint, metric: ChartMetric): number | null {
  switch (metric) {
    case 'active':
      return point.active;
    case 'newPerSec':
      return point.newPerSec;
    case 'throughput':
      return point.bytesInPerSec == null && point.bytesOutPerSec == null ? null : (point.bytesInPerSec ?? 0) + (point.bytesOutPerSec ?? 0);
  }
}

/**
 * Points are ~1 s apart; a longer silence means no data (the admin was unreachable or the
 * console disconnected), and the charts must show a gap there, not a line across it.
 */
export const GAP_MS = 3000;

/**
 * One row per history point for `serviceId`. Backends missing from a point get null, which
 * recharts draws as a gap: a backend that did not exist yet has no line, not a zero line. Where
 * two points are more than GAP_MS apart, a row of nulls just after the first one breaks every
 * line and area (with connectNulls off), so nothing is interpolated across the outage.
 */
export function buildChartRows(points: readonly HistoryPoint[], serviceId: number, series: readonly ChartSeries[], metric: ChartMetric): ChartRow[] {
  const rows: ChartRow[] = [];
  let previous: number | null = null;
  for (const point of points) {
    if (previous !== null && point.time - previous > GAP_MS) {
      const gap: ChartRow = { time: previous + 1 };
      for (const s of series) gap[s.key] = null;
      rows.push(gap);
    }
    previous = point.time;
    const service = point.services[serviceId];
    const row: ChartRow = { time: point.time };
    for (const s of series) {
      const backend = service?.backends[s.id];
      row[s.key] = backend ? metricValue(backend, metric) : null;
    }
    rows.push(row);
  }
  return rows;
}

/**
 * Every configured backend plus every one in the history for `serviceId` (so removed ones keep
 * their line), labelled by address: the configured one, else the newest one the history
 * recorded, so a backend that finished draining and left the stats keeps its name.
 */
export function collectSeries(points: readonly HistoryPoint[], serviceId: number, configured: ReadonlyMap<number, string>): ChartSeries[] {
  const seen = new Map<number, string>();
  for (const point of points) {
    const service = point.services[serviceId];
    if (!service) continue;
    // A heartbeat point carries no address (''): it adds the backend but names nothing.
    for (const [id, backend] of Object.entries(service.backends)) if (backend.address !== '' || !seen.has(Number(id))) seen.set(Number(id), backend.address);
  }
  const ids = new Set<number>([...configured.keys(), ...seen.keys()]);
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => ({ id, key: seriesKey(id), label: configured.get(id) ?? (seen.get(id) || `backend #${id}`) }));
}
