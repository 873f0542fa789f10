// Passive health: what real traffic tells about a backend. Every connect failure and every
// relay verdict lands here; a streak of consecutive failures is counted on the backend, and
// the local health checker decides — or, when health is driven from outside (worker processes),
// the streak reaching `passiveFailures` is reported so the primary decides.
import type { Backend } from './backend.ts';
import type { HealthChecker } from './health/health-checker.ts';

/** A connection of `b` succeeded (it spoke, or ended without fault): the streak restarts. */
export function passiveSuccess(b: Backend, health: HealthChecker<number> | null): void {
  b.failStreak = 0;
  if (!b.removed) health?.reportSuccess(b.id);
}

/**
 * One more consecutive real-traffic failure of `b`, reported to `health` when there is one.
 * true: health is external and the streak just reached `threshold` (the caller reports it).
 */
export function passiveFailure(b: Backend, reason: string, health: HealthChecker<number> | null, threshold: number): boolean {
  b.failStreak++;
  if (b.removed) return false;
  if (health !== null) {
    health.reportFailure(b.id, reason);
    return false;
  }
  return b.failStreak === threshold;
}
