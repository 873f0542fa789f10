// Flap back-off of passive ejection (outlier detection).
//
// The rule: a target ejected by passive failures stays down for at least its ejection period.
// The first ejection — or one more than FLAP_WINDOW_MS after the previous ejection period
// ended — gets the base period (the check interval). An ejection within FLAP_WINDOW_MS of the
// end of the previous period is a flap: the period doubles, up to MAX_EJECTION_MS. So a backend
// that keeps failing real traffic right after coming back is retried less and less often, and
// one that stays quiet for a minute starts over from the base period.

/** Longest ejection period: 5 minutes. */
export const MAX_EJECTION_MS = 300_000;
/** An ejection less than this long after the previous ejection period ended is a flap. */
export const FLAP_WINDOW_MS = 60_000;

/** The previous passive ejection of a target. */
export interface PreviousEjection {
  /** Its period in ms. */
  readonly periodMs: number;
  /** When the period ended (same clock as `now`). */
  readonly endsAt: number;
}

/** The ejection period of a passive ejection at `now`. */
export function nextEjectionMs(previous: PreviousEjection | undefined, now: number, baseMs: number): number {
  const base = Math.min(Math.max(0, baseMs), MAX_EJECTION_MS);
  if (previous === undefined || now - previous.endsAt >= FLAP_WINDOW_MS) return base;
  return Math.min(Math.max(previous.periodMs * 2, base), MAX_EJECTION_MS);
}
