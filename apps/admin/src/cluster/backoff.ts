// Restart back-off for crashing workers: 0.1 s, 0.2 s, 0.4 s … capped at 10 s; a worker that
// stayed up for a while resets the streak, so one crash a day always restarts at once.

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** A worker that ran at least this long before crashing starts a new streak. */
  stableMs?: number;
}

/** Delay before replacing a crashed worker, growing while crashes follow each other. */
export class Backoff {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #stableMs: number;
  #streak = 0;

  constructor(opts: BackoffOptions = {}) {
    this.#baseMs = opts.baseMs ?? 100;
    this.#maxMs = opts.maxMs ?? 10_000;
    this.#stableMs = opts.stableMs ?? 10_000;
  }

  /** Records a crash of a worker that ran `uptimeMs`; returns how long to wait before the next start. */
  next(uptimeMs: number): number {
    if (uptimeMs >= this.#stableMs) this.#streak = 0;
    const delay = Math.min(this.#maxMs, this.#baseMs * 2 ** this.#streak);
    this.#streak = Math.min(this.#streak + 1, 30);
    return delay;
  }

  /** Crashes in the current streak. */
  get streak(): number {
    return this.#streak;
  }
}
