/** Reconnect delay policy: exponential from `baseMs`, capped at `capMs`, with ± jitter. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Fraction of the delay randomised either way (0.2 = ±20 %), so many consoles don't reconnect in lockstep. */
  jitter: number;
}

export const LIVE_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 8000, jitter: 0.2 };

/** Delay before reconnect attempt number `attempt` (0-based). `random` is injectable for tests. */
export function backoffDelay(attempt: number, options: BackoffOptions = LIVE_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  const spread = exp * options.jitter;
  const delay = exp - spread + random() * 2 * spread;
  return Math.round(Math.min(options.capMs, Math.max(0, delay)));
}
