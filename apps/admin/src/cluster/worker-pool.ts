// The worker processes of the cluster primary: starting them, replacing crashed ones with
// back-off, swapping a whole generation on reload, and stopping them all on shutdown.
import cluster from 'node:cluster';
import { EngineClosedError, EngineError, WorkerUnavailableError } from '@fulcrum/engine';
import { Backoff } from './backoff.ts';
import type { BackoffOptions } from './backoff.ts';
import type { FromWorker } from './protocol.ts';
import { WorkerHandle, describeExit } from './worker-handle.ts';

export interface WorkerPoolOptions {
  size: number;
  /**
   * How long the previous generation may drain after a reload (then its connections are closed
   * with FIN); undefined = no limit, each worker exits when its last connection has ended.
   */
  reloadDrainLimitMs?: number | undefined;
  /**
   * Brings a started worker to the committed config and marks it live, in the same critical
   * section as config applies (so it cannot miss one). Throws if the worker could not.
   */
  bootstrap(handle: WorkerHandle): Promise<void>;
  onMessage(handle: WorkerHandle, message: FromWorker): void;
  /** A worker exited (its final counters, if any, were already delivered). */
  onExit(handle: WorkerHandle): void;
  /** Problems worth an operator's attention (stderr). */
  warn(line: string): void;
  /** How long a new worker may take to load (tsx compiles the sources on a cold start). */
  startTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Extra environment of every worker (e.g. FULCRUM_ACCESS_LOG). */
  env?: Record<string, string>;
}

/** What a reload did. */
export interface ReloadResult {
  generation: number;
  started: number[];
  stopping: number[];
}

const DEFAULT_START_TIMEOUT_MS = 60_000;
/** Past the drain timeout plus the handles' own kill grace: stop() never waits longer. */
const STOP_SLACK_MS = 8000;

/** The set of worker processes. */
export class WorkerPool {
  readonly #opts: WorkerPoolOptions;
  readonly #backoff: Backoff;
  readonly #handles = new Set<WorkerHandle>();
  /** Workers of a reload in progress: their failure fails the reload, not a crash. */
  readonly #reloadBatch = new Set<WorkerHandle>();
  #generation = 1;
  #restarts = 0;
  #closing = false;
  #reloading = false;
  #topUpTimer: NodeJS.Timeout | undefined;

  constructor(opts: WorkerPoolOptions) {
    this.#opts = opts;
    this.#backoff = new Backoff(opts.backoff);
  }

  /** Every worker not yet exited (starting, live or draining). */
  get handles(): WorkerHandle[] {
    return [...this.#handles];
  }

  /** Workers serving the committed config: every apply must reach all of them. */
  live(): WorkerHandle[] {
    return this.handles.filter((h) => h.state === 'live');
  }

  /** The reload drain limit in effect (undefined = none). */
  get reloadDrainLimitMs(): number | undefined {
    return this.#opts.reloadDrainLimitMs;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Crashed workers replaced so far. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Starts the first generation (empty config, so live as soon as they are ready). */
  async start(): Promise<void> {
    const first = Array.from({ length: this.#opts.size }, () => this.#spawn(this.#generation));
    for (const h of first) this.#reloadBatch.add(h);
    try {
      await Promise.all(first.map((h) => withTimeout(h.ready, this.#startTimeoutMs, `worker ${h.id} (pid ${h.pid}) did not start`)));
    } catch (err) {
      for (const h of first) {
        h.stopRequested = true;
        h.kill();
      }
      throw err;
    } finally {
      this.#reloadBatch.clear();
    }
    for (const h of first) {
      h.state = 'live';
      h.liveSince = Date.now();
    }
  }

  /**
   * Zero-downtime swap: start a new generation, wait until every new worker listens and runs the
   * committed config, then tell the old ones to stop accepting and drain. If a new worker fails,
   * the new ones are killed and the old generation keeps serving.
   */
  async reload(): Promise<ReloadResult> {
    if (this.#closing) throw new EngineClosedError();
    if (this.#reloading) throw new EngineError('FULCRUM_RELOAD_IN_PROGRESS', 'a reload is already in progress');
    this.#reloading = true;
    const previous = this.#generation;
    const generation = previous + 1;
    this.#generation = generation;
    clearTimeout(this.#topUpTimer);
    this.#topUpTimer = undefined;
    const fresh = Array.from({ length: this.#opts.size }, () => this.#spawn(generation));
    for (const h of fresh) this.#reloadBatch.add(h);
    try {
      await Promise.all(fresh.map((h) => this.#bringUp(h)));
    } catch (err) {
      for (const h of fresh) {
        h.stopRequested = true;
        h.kill();
      }
      this.#generation = previous;
      this.#scheduleTopUp(0);
      throw err;
    } finally {
      this.#reloadBatch.clear();
      this.#reloading = false;
    }
    const old = this.handles.filter((h) => h.generation < generation && !h.stopRequested);
    for (const h of old) h.stop(this.#opts.reloadDrainLimitMs);
    return { generation, started: fresh.map((h) => h.pid), stopping: old.map((h) => h.pid) };
  }

  /**
   * Stops every worker (drain for at most `timeoutMs`; undefined or Infinity: no limit) and
   * resolves when all have exited. Workers still draining after a reload get the same deadline,
   * if it is sooner than their own.
   */
  async stop(timeoutMs: number | undefined): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#topUpTimer);
    const all = this.handles;
    for (const h of all) h.stop(timeoutMs);
    const bounded = timeoutMs !== undefined && Number.isFinite(timeoutMs);
    const bound = bounded ? setTimeout(() => this.killAll(), timeoutMs + STOP_SLACK_MS) : undefined;
    await Promise.all(all.map((h) => h.exited));
    clearTimeout(bound);
  }

  /** SIGKILL to every worker, synchronously (forced exit, primary exiting). */
  killAll(): void {
    this.#closing = true;
    clearTimeout(this.#topUpTimer);
    for (const h of this.#handles) h.kill();
  }

  get #startTimeoutMs(): number {
    return this.#opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  }

  #spawn(generation: number): WorkerHandle {
    const worker = cluster.fork(this.#opts.env);
    const h = new WorkerHandle(worker, generation, (handle, message) => this.#opts.onMessage(handle, message));
    this.#handles.add(h);
    void h.exited.then(() => this.#onExit(h));
    return h;
  }

  async #bringUp(h: WorkerHandle): Promise<void> {
    await withTimeout(h.ready, this.#startTimeoutMs, `worker ${h.id} (pid ${h.pid}) did not start`);
    await this.#opts.bootstrap(h);
  }

  #onExit(h: WorkerHandle): void {
    this.#handles.delete(h);
    this.#opts.onExit(h);
    if (h.stopRequested || this.#closing || this.#reloadBatch.has(h)) return;
    const how = describeExit(h.exitCode, h.exitSignal);
    if (h.generation !== this.#generation) {
      this.#opts.warn(`worker ${h.id} (pid ${h.pid}) of the previous generation exited (${how})`);
      return;
    }
    const delay = this.#backoff.next(h.liveSince === undefined ? 0 : Date.now() - h.liveSince);
    this.#restarts++;
    this.#opts.warn(`worker ${h.id} (pid ${h.pid}) exited unexpectedly (${how}); starting a replacement in ${delay / 1000} s`);
    this.#scheduleTopUp(delay);
  }

  #scheduleTopUp(delayMs: number): void {
    if (this.#closing || this.#topUpTimer !== undefined) return;
    this.#topUpTimer = setTimeout(() => {
      this.#topUpTimer = undefined;
      this.#topUp();
    }, delayMs);
  }

  /** Starts workers until the current generation has `size` of them again. */
  #topUp(): void {
    if (this.#closing || this.#reloading) return;
    const have = this.handles.filter((h) => h.generation === this.#generation && (h.state === 'starting' || h.state === 'live')).length;
    for (let i = have; i < this.#opts.size; i++) {
      const h = this.#spawn(this.#generation);
      this.#bringUp(h).catch((err: unknown) => {
        // Stopped meanwhile (shutdown, reload): not a failure.
        if (h.stopRequested || this.#closing) return;
        // Otherwise its exit counts as a crash: the next attempt waits longer.
        if (h.state !== 'exited') this.#opts.warn(err instanceof Error ? err.message : String(err));
        h.kill();
      });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WorkerUnavailableError('FULCRUM_WORKER_TIMEOUT', `${what} within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
