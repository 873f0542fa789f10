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
