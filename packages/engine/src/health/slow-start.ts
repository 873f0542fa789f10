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
  readonly weight: number;
  effectiveWeight: number;
  readonly health: string;
  /** performance.now() when it last came up. */
  readonly upSince: number;
}

/**
 * Moves the effective weight of every up backend still below its weight along the slow-start
 * ramp of `windowMs` (at once to its weight when the window is 0). true: some weight changed.
 */
export function advanceSlowStart(backends: Iterable<SlowStartTarget>, windowMs: number, now: number): boolean {
  let changed = false;
  for (const b of backends) {
    if (b.effectiveWeight === b.weight || b.health !== 'up') continue;
    const next = windowMs <= 0 ? b.weight : b.weight * slowStartFactor(now - b.upSince, windowMs);
    if (next !== b.effectiveWeight) {
      b.effectiveWeight = next;
      changed = true;
    }
  }
  return changed;
}
