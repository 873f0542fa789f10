// The clients of one service that wait for a backend slot (maxQueue, or a backend's first
// health check still pending), in arrival order, each with its own deadline.
import type { Connection } from './connection.ts';

/** Arrival-ordered waiting clients; `onTimeout` runs for a client whose deadline passed. */
export class WaitQueue {
  readonly #items: Connection[] = [];
  readonly #onTimeout: (conn: Connection) => void;

  constructor(onTimeout: (conn: Connection) => void) {
    this.#onTimeout = onTimeout;
  }

  get length(): number {
    return this.#items.length;
  }

  /** The client waiting longest, if any. */
  first(): Connection | undefined {
    return this.#items[0];
  }

  /** Queues `conn` until remove() or `timeoutMs` passes (then onTimeout, already removed). */
  add(conn: Connection, timeoutMs: number): void {
    this.#items.push(conn);
    conn.queueTimer = setTimeout(WaitQueue.#expire, timeoutMs, this, conn);
  }

  /** Takes `conn` out of the queue (served, client left, or shutdown); no-op if not queued. */
  remove(conn: Connection): void {
    if (conn.queueTimer === null) return;
    clearTimeout(conn.queueTimer);
    conn.queueTimer = null;
    this.#take(conn);
  }

  /** Every waiting client, as a copy (destroying one removes it from the queue). */
  snapshot(): Connection[] {
    return this.#items.slice();
  }

  #take(conn: Connection): void {
    const i = this.#items.indexOf(conn);
    if (i >= 0) this.#items.splice(i, 1);
  }

  // A static timer callback: no closure per queued client.
  static #expire(queue: WaitQueue, conn: Connection): void {
    conn.queueTimer = null;
    queue.#take(conn);
    queue.#onTimeout(conn);
  }
}
