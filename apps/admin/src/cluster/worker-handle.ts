// The primary's handle on one worker process: its state, its latest counters, and the
// request/acknowledge side of the apply protocol.
import type { Worker } from 'node:cluster';
import { EngineError, WorkerUnavailableError } from '@fulcrum/engine';
import type { EngineConfig, EngineStats } from '@fulcrum/engine';
import { isMessage } from './protocol.ts';
import type { FromWorker, HealthTable, ListenFds, ToWorker, WireError } from './protocol.ts';

/** starting: forked, not yet running the committed config; live: serving; draining: told to stop. */
export type WorkerState = 'starting' | 'live' | 'draining' | 'exited';

/** How one worker answered an apply. */
export type ApplyOutcome = { kind: 'ok' } | { kind: 'failed'; error: WireError } | { kind: 'gone' } | { kind: 'timeout' };

/**
 * Extra time a stopping worker gets past its drain timeout before it is killed: covers the
 * graceful end of its last connections (at most 2 × the engine's ENDING_GRACE_MS) and its exit.
 */
const STOP_GRACE_MS = 5000;
/** After the process exited, how long its IPC channel may take to deliver what is left. */
const DISCONNECT_WAIT_MS = 1000;

/** One worker process as the primary sees it. */
export class WorkerHandle {
  readonly worker: Worker;
  readonly id: number;
  readonly pid: number;
  readonly generation: number;
  readonly startedAt = Date.now();
  state: WorkerState = 'starting';
  liveSince: number | undefined;
  /** Config version this worker last acknowledged. */
  version = 0;
  /** Its latest cumulative counters (the final ones once it stopped). */
  stats: EngineStats | undefined;
  /** true once the primary asked it to stop (its exit is then not a crash). */
  stopRequested = false;
  /** When it was told to stop, and the drain deadline it was given (undefined: none). */
  drainingSince: number | undefined;
  drainDeadline: number | undefined;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  /** Resolves when the worker said it is ready; rejects if it exits first. */
  readonly ready: Promise<void>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  readonly #waiters = new Map<number, (outcome: ApplyOutcome) => void>();
  /** Answers awaited by requestId (connection list and close); null when the worker exits first. */
  readonly #replies = new Map<number, (reply: WorkerReply | null) => void>();
  #lastRequestId = 0;
  #onListener: ((message: FromWorker, handle: unknown) => void) | undefined;
  #killTimer: NodeJS.Timeout | undefined;

  constructor(worker: Worker, generation: number, onMessage: (handle: WorkerHandle, message: FromWorker) => void) {
    this.worker = worker;
    this.id = worker.id;
    this.pid = worker.process.pid ?? -1;
    this.generation = generation;
    let readyResolve!: () => void;
    let readyReject!: (err: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    this.ready.catch(() => {});
    // Exited = the process is gone AND the channel is closed, so every message it sent (its final
    // counters above all) has been handled before anyone hears of the exit.
    this.exited = new Promise<void>((resolve) => {
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        this.state = 'exited';
        clearTimeout(this.#killTimer);
        readyReject(new WorkerUnavailableError('FULCRUM_WORKER_EXITED', `worker ${this.id} (pid ${this.pid}) exited before it was ready (${describeExit(this.exitCode, this.exitSignal)})`));
        for (const resolveWaiter of this.#waiters.values()) resolveWaiter({ kind: 'gone' });
        this.#waiters.clear();
        for (const answer of this.#replies.values()) answer(null);
        this.#replies.clear();
        resolve();
      };
      worker.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        this.exitCode = code;
        this.exitSignal = signal;
        if (!worker.isConnected()) finish();
        else {
          worker.once('disconnect', finish);
          setTimeout(finish, DISCONNECT_WAIT_MS).unref();
        }
      });
    });
    worker.on('message', (message: unknown, handle: unknown) => {
      if (!isMessage<FromWorker>(message)) return;
      if (message.type === 'listener' || message.type === 'listeners-sent') {
        this.#onListener?.(message, handle);
        return;
      }
      if (message.type === 'connections' || message.type === 'connections-closed') {
        this.#replies.get(message.requestId)?.(message);
        return;
      }
      if (message.type === 'ready') readyResolve();
      else if (message.type === 'applied') this.#settle(message.version, { kind: 'ok' });
      else if (message.type === 'apply-failed') this.#settle(message.version, { kind: 'failed', error: message.error });
      onMessage(this, message);
    });
    // An IPC write to a dying worker fails with EPIPE; its exit is handled above.
    worker.on('error', () => {});
  }

  /** Sends a message if the channel is still open. */
  send(message: ToWorker): void {
    if (this.state === 'exited' || !this.worker.isConnected()) return;
    this.worker.send(message, undefined, () => {});
  }

  /** Sends a snapshot and waits for this worker's answer about exactly that version. */
  apply(version: number, config: EngineConfig, health: HealthTable, timeoutMs: number, listenFds: ListenFds = {}): Promise<ApplyOutcome> {
    if (this.state === 'exited') return Promise.resolve({ kind: 'gone' });
    return new Promise<ApplyOutcome>((resolve) => {
      const timer = setTimeout(() => this.#settle(version, { kind: 'timeout' }), timeoutMs);
      this.#waiters.set(version, (outcome) => {
        clearTimeout(timer);
        if (outcome.kind === 'ok') this.version = version;
        resolve(outcome);
      });
      this.send({ type: 'apply', version, config, health, listenFds });
    });
  }

  /**
   * Asks the worker for its listening sockets (IPC handle passing gives this process descriptors of
   * its own for them); rejects if it has none to send, exits, or does not answer within `timeoutMs`.
   */
  collectListeners(timeoutMs: number): Promise<ReceivedListener[]> {
    return new Promise((resolve, reject) => {
      const got: ReceivedListener[] = [];
      const finish = (err?: Error): void => {
        clearTimeout(timer);
        this.#onListener = undefined;
        if (err === undefined) resolve(got);
        else {
          for (const l of got) l.handle.close();
          reject(err);
        }
      };
      const timer = setTimeout(() => finish(new WorkerUnavailableError('FULCRUM_WORKER_TIMEOUT', `worker ${this.id} (pid ${this.pid}) did not send its listening sockets in time`)), timeoutMs);
      this.exited.then(() => finish(new WorkerUnavailableError('FULCRUM_WORKER_EXITED', `worker ${this.id} (pid ${this.pid}) exited while sending its listening sockets`)), () => {});
      this.#onListener = (message, handle) => {
        if (message.type === 'listeners-sent') finish(message.error === undefined ? undefined : new EngineError('FULCRUM_HANDOVER_UNSUPPORTED', message.error));
        else if (message.type === 'listener' && isRawHandle(handle)) got.push({ host: message.host, port: message.port, handle });
      };
      this.send({ type: 'send-listeners' });
    });
  }

  /**
   * Sends a question that carries a requestId (list-connections, close-connections) and resolves
   * with the worker's answer, or null if it exits first; rejects after `timeoutMs` without one.
   */
  request(message: DistributiveOmit<WorkerRequest, 'requestId'>, timeoutMs: number): Promise<WorkerReply | null> {
    if (this.state === 'exited') return Promise.resolve(null);
    const requestId = ++this.#lastRequestId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#replies.delete(requestId);
        reject(new WorkerUnavailableError('FULCRUM_WORKER_TIMEOUT', `worker ${this.id} (pid ${this.pid}) did not answer in time`));
      }, timeoutMs);
      this.#replies.set(requestId, (reply) => {
        clearTimeout(timer);
        this.#replies.delete(requestId);
        resolve(reply);
      });
      this.send({ ...message, requestId } as WorkerRequest);
    });
  }

  #settle(version: number, outcome: ApplyOutcome): void {
    const waiter = this.#waiters.get(version);
    if (waiter === undefined) return;
    this.#waiters.delete(version);
    waiter(outcome);
  }

  /**
   * Asks the worker to stop accepting, drain for at most `timeoutMs` (undefined: until its
   * connections end) and exit; kills it if it has not exited STOP_GRACE_MS past that deadline.
   * Asked again while draining, only a sooner deadline changes anything.
   */
  stop(timeoutMs: number | undefined): void {
    if (this.state === 'exited') return;
    // Infinity means no limit too (and a Node timer would fire at once for it).
    if (timeoutMs !== undefined && !Number.isFinite(timeoutMs)) timeoutMs = undefined;
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    if (this.state === 'draining' && (deadline === undefined || (this.drainDeadline !== undefined && this.drainDeadline <= deadline))) return;
    this.stopRequested = true;
    this.state = 'draining';
    this.drainingSince ??= Date.now();
    this.drainDeadline = deadline;
    this.send({ type: 'stop', timeoutMs: timeoutMs ?? null });
    clearTimeout(this.#killTimer);
    if (timeoutMs === undefined) return;
    this.#killTimer = setTimeout(() => this.kill(), timeoutMs + STOP_GRACE_MS);
    this.#killTimer.unref();
  }

  /** SIGKILL by pid, now. */
  kill(): void {
    if (this.state === 'exited' || this.pid <= 0) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Questions to a worker that carry a requestId. */
export type WorkerRequest = Extract<ToWorker, { requestId: number }>;
/** A worker's answers to them. */
export type WorkerReply = Extract<FromWorker, { requestId: number }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A listening socket received from a worker: a raw libuv TCP handle of this process. */
export interface ReceivedListener {
  host: string;
  port: number;
  handle: { fd: number; close(): void };
}

function isRawHandle(h: unknown): h is ReceivedListener['handle'] {
  return typeof h === 'object' && h !== null && typeof (h as { fd?: unknown }).fd === 'number' && typeof (h as { close?: unknown }).close === 'function';
}

/** `code 1` or `signal SIGKILL`. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `signal ${signal}` : `code ${code ?? '?'}`;
}
