// Slow start: a backend that just came up takes a growing share of new connections.

const FLOOR = 0.1;

/**
 * Weight multiplier `msSinceUp` after a backend came up: 0.1 at once, rising linearly to 1
 * at the end of `windowMs`; always 1 when the window is 0 (slow start off).
 */
export function slowStartFactor(msSinceUp: number, windowMs: number): number {
  if (!(windowMs > 0) || msSinceUp >= windowMs) return 1;
  if (!(msSinceUp > 0)) return FLOOR;
  return FLOOR + (1 - FLOOR) * (msSinceUp / windowMs);
}

/** What slow start reads and moves of a backend (Backend, structurally). */
export interface SlowStartTarget {
  /** Its slow-start multiplier (1: ramp done). */
  slowFactor: number;
  readonly health: string;
  /** performance.now() when it last came up. */
  readonly upSince: number;
  /** Recomputes the effective weight from weight, slow start and agent. */
  applyWeight(): void;
}

/**
 * Moves the slow-start factor of every up backend still ramping along the ramp of `windowMs`
 * (at once to 1 when the window is 0). true: some effective weight changed.
 */
export function advanceSlowStart(backends: Iterable<SlowStartTarget>, windowMs: number, now: number): boolean {
  let changed = false;
  for (const b of backends) {
    if (b.slowFactor === 1 || b.health !== 'up') continue;
    const next = windowMs <= 0 ? 1 : slowStartFactor(now - b.upSince, windowMs);
    if (next !== b.slowFactor) {
      b.slowFactor = next;
      b.applyWeight();
      changed = true;
    }
  }
  return changed;
}
