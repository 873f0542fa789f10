// The running rebalances of one service's backends (rebalance.ts), at most one per backend: a new
// one replaces the running one (`replaced`), a removed backend's is cancelled (`cancelled`).
import type { Backend } from './backend.ts';
import type { RebalanceOutcome } from '@fulcrum/shared/enums';
import { Rebalance } from './rebalance.ts';

/** Where a service's rebalances report (the service forwards to its host). */
export interface RebalanceReports {
  started(r: Rebalance): void;
  ended(r: Rebalance, outcome: RebalanceOutcome): void;
}

/** One service's rebalances, by backend. */
export class BackendRebalances {
  readonly #running = new Map<Backend, Rebalance>();
  readonly #reports: RebalanceReports;

  constructor(reports: RebalanceReports) {
    this.#reports = reports;
  }

  /** Starts rebalancing `b` over `windowMs` under `id`, replacing its running rebalance. */
  start(b: Backend, windowMs: number, id: number): Rebalance {
    this.#running.get(b)?.end('replaced');
    const r = new Rebalance(id, b, windowMs, (done, outcome) => {
      if (this.#running.get(b) === done) this.#running.delete(b);
      this.#reports.ended(done, outcome);
    });
    this.#running.set(b, r);
    this.#reports.started(r);
    r.run();
    return r;
  }

  /** Cancels the rebalances of removed backends, or (`all`) every one: the service or the engine goes. */
  cancel(all: boolean): void {
    for (const [b, r] of [...this.#running]) if (all || b.removed) r.end('cancelled');
  }
}
