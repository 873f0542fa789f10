// Rebalancing a backend (an operator's action): its connections are ended gracefully one by one,
// evenly spread over a window, while the backend stays in rotation — the clients that reconnect
// are placed by the strategy again, so a long-lived pool spreads over backends added since.
// Unlike a drain, new connections keep coming (and are left alone: only the connections relaying
// when the rebalance started are ended). One rebalance per backend at a time (service.ts keeps
// them); a new one replaces it, removing the backend cancels it.
import type { Backend, BackendLink } from './backend.ts';
import type { RebalanceOutcome } from '@fulcrum/shared/enums';

/** The shortest wait between two wake-ups of a rebalance (closes due meanwhile go together). */
const MIN_STEP_MS = 10;

/** One rebalance of one backend. */
export class Rebalance {
  /** Identifies this rebalance in its events (the admin gives the same id to every worker). */
  readonly id: number;
  readonly backend: Backend;
  readonly windowMs: number;
  /** Connections taken at the start (relaying then): the i-th is ended at (i + 1) / n of the window. */
  readonly connections: number;
  /** Connections it ended so far (the others ended by themselves first). */
  closed = 0;
  readonly #links: (BackendLink | null)[];
  readonly #startedAt: number;
  readonly #onEnd: (r: Rebalance, outcome: RebalanceOutcome) => void;
  #next = 0;
  #timer: NodeJS.Timeout | null = null;
  #ended = false;

  /** Takes `backend`'s relaying connections now; call run() to start closing. */
  constructor(id: number, backend: Backend, windowMs: number, onEnd: (r: Rebalance, outcome: RebalanceOutcome) => void) {
    this.id = id;
    this.backend = backend;
    this.windowMs = windowMs;
    this.#onEnd = onEnd;
    this.#startedAt = performance.now();
    const links: BackendLink[] = [];
    // Oldest first: the list holds the newest at its head.
    for (let c = backend.head; c !== null; c = c.next) if (c.relaying) links.push(c);
    links.reverse();
    this.#links = links;
    this.connections = links.length;
  }

  /** Starts closing (ends at once, `done`, when there is nothing to close). */
  run(): void {
    this.#step();
  }

  /** Stops early (`replaced` or `cancelled`); the connections not reached yet stay open. */
  end(outcome: RebalanceOutcome): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#links.length = 0;
    this.#onEnd(this, outcome);
  }

  #step(): void {
    this.#timer = null;
    if (this.#ended) return;
    const n = this.connections;
    const elapsed = performance.now() - this.#startedAt;
    const due = Math.min(n, Math.floor((n * elapsed) / this.windowMs));
    while (this.#next < due) {
      const c = this.#links[this.#next] as BackendLink;
      this.#links[this.#next++] = null;
      // A connection that relayed at the start stays on this backend until it ends.
      if (!c.relaying) continue;
      c.endGracefully('rebalance');
      this.closed++;
      this.backend.closedByRebalance++;
    }
    if (this.#next >= n) {
      this.end('done');
      return;
    }
    const nextAt = ((this.#next + 1) * this.windowMs) / n;
    this.#timer = setTimeout(Rebalance.#onTimer, Math.max(MIN_STEP_MS, Math.ceil(nextAt - elapsed)), this);
    this.#timer.unref();
  }

  // Static, so the timer holds no closure.
  static #onTimer(r: Rebalance): void {
    r.#step();
  }
}
