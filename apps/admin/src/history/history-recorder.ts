// Samples the engine's counters on its own timer (whether or not a console is open), folds the
// samples into buckets and hands each finished bucket to the writer. Nothing here touches a disk
// or blocks: the data path never waits on history.
import type { StatsDto } from '@fulcrum/shared/api';
import { BucketAccumulator } from './bucket-accumulator.ts';
import type { HistoryBucket } from './history-row.ts';

/** Samples per bucket: the mean of active connections and health is over this many readings. */
export const SAMPLES_PER_BUCKET = 10;

export interface HistoryRecorderOptions {
  /** A fresh stats sample (engine.stats() in the wire form). */
  sample: () => StatsDto;
  /** Receives each finished bucket. */
  write: (bucket: HistoryBucket) => void;
  bucketMs: number;
  maxSeries?: number;
}

/** The periodic sampler behind the metric history. */
export class HistoryRecorder {
  readonly #opts: HistoryRecorderOptions;
  readonly #sampleMs: number;
  readonly #acc: BucketAccumulator;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: HistoryRecorderOptions) {
    this.#opts = opts;
    this.#sampleMs = Math.max(1, Math.floor(opts.bucketMs / SAMPLES_PER_BUCKET));
    this.#acc = new BucketAccumulator({ bucketMs: opts.bucketMs, sampleMs: this.#sampleMs, maxSeries: opts.maxSeries });
  }

  /** Series samples left out because of the series cap. */
  get droppedSeries(): number {
    return this.#acc.droppedSeries;
  }

  start(): void {
    if (this.#timer) return;
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.#sampleMs);
    this.#timer.unref();
  }

  /** Stops sampling and hands over the partial bucket, so a restart loses nothing it sampled. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const last = this.#acc.flush();
    if (last) this.#opts.write(last);
  }

  #tick(): void {
    const closed = this.#acc.add(this.#opts.sample());
    if (closed) this.#opts.write(closed);
  }
}
