// The metric history of this node: recorder (main thread, no I/O) → writer → worker thread →
// history.db in the data directory. Per node, also with --store postgres://…: the counters are
// this node's, and the shared database carries only configuration and events (docs/DESIGN.md).
import { join } from 'node:path';
import type { StatsDto } from '@fulcrum/shared/api';
import { HISTORY_FILE, HISTORY_RETENTION_DEFAULTS } from './history-db.ts';
import type { HistoryRetention } from './history-db.ts';
import { HistoryRecorder } from './history-recorder.ts';
import { HistoryWriter } from './history-writer.ts';
import type { HistoryWriterCounters } from './history-writer.ts';

/** Default bucket: one point per series every 10 s. */
export const HISTORY_BUCKET_MS = 10_000;
/** Coarse points cover this many buckets (1 min). */
export const COARSE_BUCKETS = 6;

export interface HistoryOptions {
  /** Bucket length, ms (default 10 s). Tests shorten it (FULCRUM_HISTORY_BUCKET_MS, test-only). */
  bucketMs?: number;
  retention?: Partial<HistoryRetention>;
  maxSeries?: number;
}

/** Owns the recorder and the writer; what the history route reads through. */
export class HistoryService {
  readonly bucketMs: number;
  readonly coarseMs: number;
  readonly retention: HistoryRetention;
  readonly writer: HistoryWriter;
  readonly #recorder: HistoryRecorder;

  constructor(dataDir: string, sample: () => StatsDto, opts: HistoryOptions, onError: (message: string) => void) {
    this.bucketMs = opts.bucketMs ?? HISTORY_BUCKET_MS;
    this.coarseMs = this.bucketMs * COARSE_BUCKETS;
    this.retention = { ...HISTORY_RETENTION_DEFAULTS, ...opts.retention };
    this.writer = new HistoryWriter({ file: join(dataDir, HISTORY_FILE), bucketMs: this.bucketMs, coarseMs: this.coarseMs, retention: this.retention, onError });
    this.#recorder = new HistoryRecorder({ sample, write: (bucket) => this.writer.write(bucket), bucketMs: this.bucketMs, maxSeries: opts.maxSeries });
  }

  /** Opens history.db (a failure there leaves history unavailable, nothing else) and starts sampling. */
  async start(): Promise<void> {
    await this.writer.start();
    this.#recorder.start();
  }

  /** Writes the partial bucket, then closes the file. */
  async stop(): Promise<void> {
    this.#recorder.stop();
    await this.writer.close();
  }

  /** Writer counters plus series left out by the cap. */
  get counters(): HistoryWriterCounters & { droppedSeries: number } {
    return { ...this.writer.counters, droppedSeries: this.#recorder.droppedSeries };
  }
}
