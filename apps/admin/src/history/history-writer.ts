// The main thread's side of the history worker: hands it finished buckets and queries, never
// waits on its disk. At most `maxPending` buckets may be unacknowledged; beyond that (a slow or
// stalled disk, a dead worker) new buckets are dropped and counted. Queries time out.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { FROM_SOURCE } from '../cluster/cluster-setup.ts';
import type { SlotQuery, SlotRow } from './history-db.ts';
import type { FromHistoryWorker, HistoryWorkerData, ToHistoryWorker } from './history-protocol.ts';
import type { HistoryBucket } from './history-row.ts';

/** Buckets in flight at most (5 min of 10 s buckets) before new ones are dropped. */
export const HISTORY_MAX_PENDING = 30;
/** A query not answered within this long fails (the route answers 503). */
export const HISTORY_QUERY_TIMEOUT_MS = 5000;

/** Why history cannot be read now: not started, the file could not be opened, the worker is gone or too slow. */
export class HistoryUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryUnavailableError';
  }
}

/** Counters for /metrics and the logs. */
export interface HistoryWriterCounters {
  written: number;
  dropped: number;
  failed: number;
  pending: number;
}

export interface HistoryWriterOptions extends HistoryWorkerData {
  maxPending?: number;
  queryTimeoutMs?: number;
  onError?: (message: string) => void;
}

/** Starts the worker: from the TypeScript source through tsx's API (a worker does not inherit --import), else the built .js. */
function startWorker(data: HistoryWorkerData): Worker {
  if (!FROM_SOURCE) return new Worker(fileURLToPath(new URL('./history-worker.js', import.meta.url)), { workerData: data });
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./history-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: data });
}

/** Owns the history worker thread. */
export class HistoryWriter {
  readonly #opts: HistoryWriterOptions;
  readonly #maxPending: number;
  #worker: Worker | undefined;
  #state: 'starting' | 'ready' | 'failed' | 'closed' = 'starting';
  #failure = 'history is starting';
  #seq = 0;
  #queryId = 0;
  readonly #inFlight = new Set<number>();
  readonly #queries = new Map<number, { resolve: (rows: SlotRow[]) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  readonly #counters = { written: 0, dropped: 0, failed: 0 };
  #exited: Promise<void> = Promise.resolve();

  constructor(opts: HistoryWriterOptions) {
    this.#opts = opts;
    this.#maxPending = opts.maxPending ?? HISTORY_MAX_PENDING;
  }

  /** Starts the worker; resolves once history.db is open (or failed to open: then history is unavailable, traffic unaffected). */
  start(): Promise<void> {
    const { file, bucketMs, coarseMs, retention } = this.#opts;
    const worker = startWorker({ file, bucketMs, coarseMs, retention });
    this.#worker = worker;
    worker.unref();
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    return new Promise((resolve) => {
      worker.on('message', (message: FromHistoryWorker) => {
        if (message.type === 'ready') this.#state = 'ready';
        if (message.type === 'open-failed') this.#fail(`cannot open the history file: ${message.message}`);
        if (message.type === 'ready' || message.type === 'open-failed') resolve();
        this.#onMessage(message);
      });
      worker.on('error', (err) => {
        this.#fail(`the history worker failed: ${err.message}`);
        resolve();
      });
      worker.once('exit', () => {
        if (this.#state !== 'closed') this.#fail('the history worker exited');
        resolve();
      });
    });
  }

  /** Counters since start; `pending` is buckets not yet acknowledged. */
  get counters(): HistoryWriterCounters {
    return { ...this.#counters, pending: this.#inFlight.size };
  }

  /** Queues a bucket for writing; drops (and counts) it when the worker is behind or gone. */
  write(bucket: HistoryBucket, now = Date.now()): void {
    const worker = this.#worker;
    if (this.#state !== 'ready' || !worker || this.#inFlight.size >= this.#maxPending) {
      this.#counters.dropped++;
      return;
    }
    const seq = ++this.#seq;
    this.#inFlight.add(seq);
    this.#post({ type: 'write', seq, bucket, now });
  }

  /** Reads slots; rejects with HistoryUnavailableError when the worker cannot answer in time. */
  query(query: SlotQuery): Promise<SlotRow[]> {
    if (this.#state !== 'ready') return Promise.reject(new HistoryUnavailableError(this.#failure));
    const id = ++this.#queryId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#queries.delete(id);
        reject(new HistoryUnavailableError('the history store did not answer in time'));
      }, this.#opts.queryTimeoutMs ?? HISTORY_QUERY_TIMEOUT_MS);
      this.#queries.set(id, { resolve, reject, timer });
      this.#post({ type: 'query', id, query });
    });
  }

  /** Lets queued writes finish (bounded by `timeoutMs`), then stops the worker. */
  async close(timeoutMs = 2000): Promise<void> {
    const worker = this.#worker;
    if (!worker || this.#state === 'closed') return;
    this.#state = 'closed';
    this.#failure = 'history is closed';
    worker.postMessage({ type: 'close' } satisfies ToHistoryWorker);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    if ((await Promise.race([this.#exited, late])) === 'late') await worker.terminate();
    clearTimeout(timer);
    for (const [id, q] of this.#queries) {
      clearTimeout(q.timer);
      q.reject(new HistoryUnavailableError(this.#failure));
      this.#queries.delete(id);
    }
  }

  #post(message: ToHistoryWorker): void {
    this.#worker?.postMessage(message);
  }

  #fail(message: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'failed';
    this.#failure = message;
    this.#counters.dropped += this.#inFlight.size;
    this.#inFlight.clear();
    this.#opts.onError?.(message);
  }

  #onMessage(message: FromHistoryWorker): void {
    switch (message.type) {
      case 'written':
        if (this.#inFlight.delete(message.seq)) this.#counters.written++;
        return;
      case 'write-failed':
        if (this.#inFlight.delete(message.seq)) this.#counters.failed++;
        this.#opts.onError?.(`could not write history: ${message.message}`);
        return;
      case 'result':
      case 'query-failed': {
        const pending = this.#queries.get(message.id);
        if (!pending) return;
        this.#queries.delete(message.id);
        clearTimeout(pending.timer);
        if (message.type === 'result') pending.resolve(message.rows);
        else pending.reject(new HistoryUnavailableError(`could not read history: ${message.message}`));
        return;
      }
      default:
    }
  }
}
