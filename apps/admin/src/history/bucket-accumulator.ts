// Turns periodic stats samples into one point per series and bucket (pure: time comes from the
// samples, so tests drive it with any clock). Counters are cumulative in the engine; a point holds
// the increase during its bucket. A counter that goes down was reset (service re-created, engine
// replaced): the new value is the increase. Memory is one entry per live series, capped.
import type { StatsDto } from '@fulcrum/shared/api';
import { SERVICE_SERIES } from './history-row.ts';
import type { HistoryBucket, HistoryRow } from './history-row.ts';

interface Counters {
  total: number;
  bytesIn: number;
  bytesOut: number;
  rejected: number;
  failures: number;
}

interface Sums extends Counters {
  samples: number;
  /** Times of the first and last sample of the series in this bucket. */
  first: number;
  last: number;
  active: number;
  up: number;
  down: number;
}

export interface BucketAccumulatorOptions {
  bucketMs: number;
  /** The sampling period: the last sample of a bucket stands for this long (a bucket's span caps at bucketMs). */
  sampleMs: number;
  /** At most this many series (services + backends) are recorded; the rest are counted in `droppedSeries`. */
  maxSeries?: number;
}

/** Default cap on recorded series: bounds memory here and rows per bucket on disk. */
export const MAX_HISTORY_SERIES = 500;

/** How much a cumulative counter grew; a counter below its previous value was reset. */
const increase = (now: number, before: number): number => (now >= before ? now - before : now);

/** Accumulates samples into buckets; add() returns the bucket a sample closed, if any. */
export class BucketAccumulator {
  readonly #bucketMs: number;
  readonly #sampleMs: number;
  readonly #maxSeries: number;
  /** The counters at the previous sample, per series key. */
  #last = new Map<string, Counters>();
  #sums = new Map<string, Sums>();
  #bucket: number | undefined;
  #seenFirst = false;
  #droppedSeries = 0;

  constructor(opts: BucketAccumulatorOptions) {
    this.#bucketMs = opts.bucketMs;
    this.#sampleMs = opts.sampleMs;
    this.#maxSeries = opts.maxSeries ?? MAX_HISTORY_SERIES;
  }

  /** Series samples left out because of the cap, since start. */
  get droppedSeries(): number {
    return this.#droppedSeries;
  }

  /** Adds a sample; returns the previous bucket when this sample starts a new one. */
  add(stats: StatsDto): HistoryBucket | undefined {
    const bucket = Math.floor(stats.time / this.#bucketMs) * this.#bucketMs;
    let closed: HistoryBucket | undefined;
    if (this.#bucket !== undefined && bucket !== this.#bucket) closed = this.flush();
    this.#bucket = bucket;
    const first = !this.#seenFirst;
    this.#seenFirst = true;
    const next = new Map<string, Counters>();
    for (const s of stats.services) {
      let up = 0;
      let down = 0;
      let failures = 0;
      for (const b of s.backends) {
        failures += b.connectFailures;
        if (b.removed) continue;
        if (b.health === 'up') up++;
        else if (b.health === 'down') down++;
      }
      this.#take(next, first, stats.time, `${s.id}:${SERVICE_SERIES}`, s.active, up, down, {
        total: s.total,
        bytesIn: s.bytesIn,
        bytesOut: s.bytesOut,
        rejected: s.rejected,
        failures,
      });
      for (const b of s.backends) {
        this.#take(next, first, stats.time, `${s.id}:${b.id}`, b.active, b.health === 'up' ? 1 : 0, b.health === 'down' ? 1 : 0, {
          total: b.total,
          bytesIn: b.bytesIn,
          bytesOut: b.bytesOut,
          rejected: 0,
          failures: b.connectFailures,
        });
      }
    }
    // Series that vanished (deleted) are forgotten: memory follows the live configuration.
    this.#last = next;
    return closed;
  }

  /** Ends the current bucket (also on shutdown: a partial bucket keeps its sampled span). */
  flush(): HistoryBucket | undefined {
    const t = this.#bucket;
    if (t === undefined || this.#sums.size === 0) return undefined;
    const rows: HistoryRow[] = [];
    for (const [key, sum] of this.#sums) {
      const [serviceId, backendId] = key.split(':').map(Number) as [number, number];
      rows.push({
        serviceId,
        backendId,
        t,
        // From the first to the last sample, plus the period the last one stands for: late timer
        // ticks (a busy event loop) do not shrink it, a series that appeared mid-bucket has less.
        span: Math.min(this.#bucketMs, sum.last - sum.first + this.#sampleMs),
        active: sum.active / sum.samples,
        newConns: sum.total,
        bytesIn: sum.bytesIn,
        bytesOut: sum.bytesOut,
        rejected: sum.rejected,
        failures: sum.failures,
        up: sum.up / sum.samples,
        down: sum.down / sum.samples,
      });
    }
    this.#sums = new Map();
    this.#bucket = undefined;
    return { t, rows };
  }

  #take(next: Map<string, Counters>, first: boolean, time: number, key: string, active: number, up: number, down: number, now: Counters): void {
    let sum = this.#sums.get(key);
    if (sum === undefined) {
      if (this.#sums.size >= this.#maxSeries) {
        this.#droppedSeries++;
        return;
      }
      sum = { samples: 0, first: time, last: time, active: 0, up: 0, down: 0, total: 0, bytesIn: 0, bytesOut: 0, rejected: 0, failures: 0 };
      this.#sums.set(key, sum);
    }
    next.set(key, now);
    // The first sample after start is the baseline; a series that appears later starts from zero.
    const before = this.#last.get(key) ?? (first ? now : undefined);
    sum.samples++;
    sum.last = time;
    sum.active += active;
    sum.up += up;
    sum.down += down;
    sum.total += increase(now.total, before?.total ?? 0);
    sum.bytesIn += increase(now.bytesIn, before?.bytesIn ?? 0);
    sum.bytesOut += increase(now.bytesOut, before?.bytesOut ?? 0);
    sum.rejected += increase(now.rejected, before?.rejected ?? 0);
    sum.failures += increase(now.failures, before?.failures ?? 0);
  }
}
