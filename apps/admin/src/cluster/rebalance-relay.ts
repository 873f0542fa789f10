// A rebalance with --workers: the primary sends it to every live worker under one id, each worker
// spreads its own connections to the backend over the window and reports rebalance-started and
// rebalance-ended. This turns those N pairs into the one pair an in-process engine would emit:
// started once every worker has started (connections summed), ended once every worker has ended
// (closed summed; the outcome `done` only if every worker's was). A worker that exits counts as
// started and ended.
import type { RebalanceEndedEvent, RebalanceStartedEvent } from '@fulcrum/engine';

interface PendingRebalance {
  toStart: Set<number>;
  toEnd: Set<number>;
  started: RebalanceStartedEvent | null;
  startEmitted: boolean;
  ended: RebalanceEndedEvent | null;
  connections: number;
  closed: number;
}

export interface RebalanceRelayTarget {
  started(event: RebalanceStartedEvent): void;
  ended(event: RebalanceEndedEvent): void;
}

/** Aggregates the workers' rebalance events by rebalance id; see the file comment. */
export class RebalanceRelay {
  readonly #out: RebalanceRelayTarget;
  readonly #pending = new Map<number, PendingRebalance>();

  constructor(out: RebalanceRelayTarget) {
    this.#out = out;
  }

  /** Rebalance `id` was sent to `workers`. */
  begin(id: number, workers: readonly number[]): void {
    this.#pending.set(id, { toStart: new Set(workers), toEnd: new Set(workers), started: null, startEmitted: false, ended: null, connections: 0, closed: 0 });
  }

  started(workerId: number, event: RebalanceStartedEvent): void {
    const r = this.#pending.get(event.rebalanceId);
    if (r === undefined || !r.toStart.delete(workerId)) return;
    r.started ??= event;
    r.connections += event.connections;
    this.#check(event.rebalanceId, r);
  }

  ended(workerId: number, event: RebalanceEndedEvent): void {
    const r = this.#pending.get(event.rebalanceId);
    if (r === undefined || !r.toEnd.delete(workerId)) return;
    // The first word other than `done` (replaced, cancelled) is the outcome of the whole.
    if (r.ended === null || (r.ended.outcome === 'done' && event.outcome !== 'done')) r.ended = event;
    r.closed += event.closed;
    this.#check(event.rebalanceId, r);
  }

  /** A worker exited: it holds no connections any more. */
  workerGone(workerId: number): void {
    for (const [id, r] of this.#pending) {
      r.toStart.delete(workerId);
      r.toEnd.delete(workerId);
      this.#check(id, r);
    }
  }

  #check(id: number, r: PendingRebalance): void {
    if (!r.startEmitted && r.toStart.size === 0) {
      r.startEmitted = true;
      if (r.started !== null) this.#out.started({ ...r.started, time: Date.now(), connections: r.connections });
    }
    if (r.startEmitted && r.toEnd.size === 0) {
      this.#pending.delete(id);
      if (r.ended !== null) this.#out.ended({ ...r.ended, time: Date.now(), closed: r.closed });
    }
  }
}
