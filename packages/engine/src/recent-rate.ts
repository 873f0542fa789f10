// Events per second over a recent window, in fixed steps: a ring of per-step counts, so counting
// is O(1) without allocation and reading sums a dozen numbers. Used for "failures per second over
// the last minute", which a lifetime counter cannot show.

/** A sliding count of events in `windowMs`, kept in `steps` buckets (the oldest one partly expired). */
export class RecentRate {
  readonly #stepMs: number;
  readonly #windowSeconds: number;
  readonly #counts: Float64Array;
  /** Which step number each slot counts (-1: none yet). */
  readonly #steps: Float64Array;

  constructor(windowMs = 60_000, steps = 12) {
    this.#stepMs = windowMs / steps;
    this.#windowSeconds = windowMs / 1000;
    this.#counts = new Float64Array(steps);
    this.#steps = new Float64Array(steps).fill(-1);
  }

  /** Counts `n` events at `now` (a monotonic ms clock, e.g. performance.now()). */
  add(now: number, n = 1): void {
    const step = Math.floor(now / this.#stepMs);
    const slot = step % this.#counts.length;
    if (this.#steps[slot] !== step) {
      this.#steps[slot] = step;
      this.#counts[slot] = 0;
    }
    this.#counts[slot] = (this.#counts[slot] ?? 0) + n;
  }

  /** Events per second over the window ending at `now` (the same clock as add()). */
  perSecond(now: number): number {
    const current = Math.floor(now / this.#stepMs);
    const length = this.#counts.length;
    let sum = 0;
    for (let i = 0; i < length; i++) {
      const step = this.#steps[i] ?? -1;
      if (step >= 0 && current - step < length) sum += this.#counts[i] ?? 0;
    }
    return sum / this.#windowSeconds;
  }
}
