// maxConnectionLifetimeMs (Envoy's max_downstream_connection_duration): long-lived connections —
// pooled database clients — are ended gracefully once older than the service's lifetime, so a
// backend added later gets its share as the pool reconnects. One sweep timer per service (none
// while the setting is off) walks its backends' intrusive connection lists: no timer, closure or
// allocation per connection, which carries only its accept time and its jitter scale.
//
// Jitter: each connection's lifetime is scaled by 1 ± LIFETIME_JITTER, drawn from a golden-ratio
// sequence over the service's accepts (consecutive connections get scales spread evenly over the
// band, not clumped as random draws may be), so a pool opened at once is not closed at once.
// Pace: the sweep runs every lifetime / 20 (between 50 ms and 1 s), so a connection is ended at
// most one interval (≤ 1 s) after its jittered deadline, and the interval is finer than the
// jitter band (20 % of the lifetime) so the jitter really spreads the closes over several sweeps.
import type { Backend } from './backend.ts';
import { LIFETIME_JITTER } from '@fulcrum/shared/limits';

/** The fractional part of the golden ratio: k × this mod 1 spreads evenly over [0, 1). */
const GOLDEN_FRACTION = 0.6180339887498949;
/** Sweeps per lifetime, and the bounds of the sweep interval. */
const SWEEPS_PER_LIFETIME = 20;
const SWEEP_MIN_MS = 50;
const SWEEP_MAX_MS = 1000;

/** The lifetime scale of a service's `seq`-th accepted connection: in [1 − jitter, 1 + jitter). */
export function lifetimeScale(seq: number): number {
  const u = (seq * GOLDEN_FRACTION) % 1;
  return 1 - LIFETIME_JITTER + 2 * LIFETIME_JITTER * u;
}

/** How often a service with this lifetime is swept (0 = off: no timer). */
export function sweepIntervalMs(lifetimeMs: number): number {
  if (lifetimeMs <= 0) return 0;
  return Math.min(SWEEP_MAX_MS, Math.max(SWEEP_MIN_MS, Math.round(lifetimeMs / SWEEPS_PER_LIFETIME)));
}

/** What the sweep reads of a service (Service, structurally). */
export interface LifetimeOwner {
  readonly config: { readonly maxConnectionLifetimeMs?: number };
  readonly backends: ReadonlyMap<number, Backend>;
  readonly retired: ReadonlySet<Backend>;
}

/** The lifetime sweep of one service. */
export class LifetimeSweep {
  readonly #owner: LifetimeOwner;
  #timer: NodeJS.Timeout | null = null;
  #intervalMs = 0;

  constructor(owner: LifetimeOwner) {
    this.#owner = owner;
  }

  /**
   * Follows the owner's current setting: starts, re-paces or stops the timer. A changed lifetime
   * applies to the connections already open (ages count from their accept); 0 stops closing.
   */
  sync(): void {
    const interval = sweepIntervalMs(this.#owner.config.maxConnectionLifetimeMs ?? 0);
    if (interval === this.#intervalMs) return;
    this.stop();
    if (interval === 0) return;
    this.#intervalMs = interval;
    this.#timer = setInterval(LifetimeSweep.#onTimer, interval, this);
    this.#timer.unref();
  }

  /** Stops the timer (the service is gone, or the setting is off). */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#intervalMs = 0;
  }

  /** Ends every relaying connection past its (jittered) lifetime at `now`; answers how many. */
  sweep(now: number = performance.now()): number {
    const lifetime = this.#owner.config.maxConnectionLifetimeMs ?? 0;
    if (lifetime <= 0) return 0;
    let n = 0;
    for (const b of this.#owner.backends.values()) n += endAged(b, lifetime, now);
    for (const b of this.#owner.retired) n += endAged(b, lifetime, now);
    return n;
  }

  // Static, so the interval holds no closure.
  static #onTimer(s: LifetimeSweep): void {
    s.sweep();
  }
}

/** Ends `b`'s relaying connections older than `lifetime` × their scale; counts them on `b`. */
function endAged(b: Backend, lifetime: number, now: number): number {
  let n = 0;
  let conn = b.head;
  while (conn !== null) {
    // An ended connection stays linked until both its sockets are closed (later, asynchronously).
    const next = conn.next;
    if (conn.relaying && now - conn.acceptedAt >= lifetime * conn.lifetimeScale) {
      conn.endGracefully('lifetime');
      n++;
    }
    conn = next;
  }
  b.closedByLifetime += n;
  return n;
}
