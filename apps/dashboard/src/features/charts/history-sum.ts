// The whole cluster's recorded history: every node's answer for one range, summed slot by slot.
// Sound because every node buckets on wall-clock multiples of the step (the admin's
// bucket-accumulator and history-view floor times to multiples), so equal `times` are the same
// slot on every node; answers taken a moment apart differ at most by a slot at either end, and
// the union of their times covers both. Pure, so it is unit-tested.
import type { BackendHistoryDto, HistoryDto, HistoryMarkDto, HistorySeriesDto } from '@fulcrum/shared/history';

type SeriesKey = keyof HistorySeriesDto;

/** Counters and rates add up over nodes. */
const ADDED: readonly SeriesKey[] = ['active', 'newPerSec', 'bytesInPerSec', 'bytesOutPerSec', 'rejectedPerSec', 'connectFailuresPerSec'];

/** Why answers cannot be summed: they do not share one slot grid. */
export class HistoryMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryMismatchError';
  }
}

/** One value per node at one slot (null: that node has no point there) folded into one. */
type Fold = (values: readonly (number | null)[]) => number | null;

const present = (values: readonly (number | null)[]): number[] => values.filter((v): v is number => v !== null);

/** Null only when no node has a point; else the sum of those that do. */
const sum: Fold = (values) => {
  const known = present(values);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
};
// Health is per node (each probes for itself): as on the overview, up only where every node
// saw it up, down where any node saw it down.
const least: Fold = (values) => {
  const known = present(values);
  return known.length === 0 ? null : Math.min(...known);
};
const most: Fold = (values) => {
  const known = present(values);
  return known.length === 0 ? null : Math.max(...known);
};

function foldSeries(parts: readonly (HistorySeriesDto | undefined)[], indexes: readonly Map<number, number>[], times: readonly number[]): HistorySeriesDto {
  const column = (key: SeriesKey, fold: Fold) =>
    times.map((t) =>
      fold(
        parts.map((p, n) => {
          const i = indexes[n]!.get(t);
          return p === undefined || i === undefined ? null : (p[key][i] ?? null);
        }),
      ),
    );
  const out = {} as HistorySeriesDto;
  for (const key of ADDED) out[key] = column(key, sum);
  out.up = column('up', least);
  out.down = column('down', most);
  return out;
}

/** A mark's identity across nodes: config changes come from the shared log, health events from each node's. */
const markKey = (m: HistoryMarkDto): string => `${m.time}\u0000${m.kind}\u0000${m.backendId ?? ''}\u0000${m.message}`;

/**
 * Sums nodes' answers for one service and range: per slot time, added counters and rates (null
 * only where no node has a point), backends up where every node saw them up, down where any did;
 * backends by id; marks of all nodes, each once. Throws HistoryMismatchError when the answers do
 * not share a service, range and step.
 */
export function sumHistories(parts: readonly HistoryDto[]): HistoryDto {
  const first = parts[0];
  if (!first) throw new HistoryMismatchError('no history to sum');
  if (parts.length === 1) return first;
  for (const p of parts) {
    if (p.serviceId !== first.serviceId || p.range !== first.range || p.stepMs !== first.stepMs) {
      throw new HistoryMismatchError(`nodes answered different slots (step ${first.stepMs} ms and ${p.stepMs} ms)`);
    }
  }
  const phase = (p: HistoryDto) => ((p.times[0] ?? 0) % p.stepMs + p.stepMs) % p.stepMs;
  if (parts.some((p) => p.times.length > 0 && first.times.length > 0 && phase(p) !== phase(first))) {
    throw new HistoryMismatchError('nodes answered slots that do not line up');
  }
  const times = [...new Set(parts.flatMap((p) => p.times))].sort((a, b) => a - b);
  const indexes = parts.map((p) => new Map(p.times.map((t, i) => [t, i])));
  const ids = [...new Set(parts.flatMap((p) => p.backends.map((b) => b.id)))];
  const backends: BackendHistoryDto[] = ids.map((id) => {
    const each = parts.map((p) => p.backends.find((b) => b.id === id));
    const address = each.find((b) => b?.address != null)?.address ?? null;
    return { id, address, ...foldSeries(each, indexes, times) };
  });
  const marks = new Map<string, HistoryMarkDto>();
  for (const p of parts) for (const m of p.marks) if (!marks.has(markKey(m))) marks.set(markKey(m), m);
  return {
    serviceId: first.serviceId,
    range: first.range,
    stepMs: first.stepMs,
    times,
    service: foldSeries(parts.map((p) => p.service), indexes, times),
    backends,
    marks: [...marks.values()].sort((a, b) => Date.parse(a.time) - Date.parse(b.time)),
  };
}
