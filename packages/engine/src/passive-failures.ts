// Passive health: what real traffic tells about a backend. Every connect failure and every
// relay verdict lands here; a streak of consecutive failures is counted on the backend, and
// the local health checker decides — or, when health is driven from outside (worker processes),
// the streak reaching `passiveFailures` is reported so the primary decides.
import type { Backend } from './backend.ts';
import type { HealthCheckConfig } from './config.ts';
import type { HealthChecker } from './health/health-checker.ts';
import type { ServiceHostOf } from './service-host.ts';
import { WorkerOutcomes } from './outlier/worker-outcomes.ts';

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

/** What a service's verdicts need of a service of type S (Service, structurally). */
export interface PassiveOwner<S> {
  readonly config: { readonly healthCheck: HealthCheckConfig };
  readonly health: HealthChecker<number> | null;
  readonly host: Pick<ServiceHostOf<S>, 'onPassiveThreshold'>;
}

/** One service's passive verdicts: the consecutive streaks, and (external health) this process's failure rates. */
export class PassiveVerdicts<S extends PassiveOwner<S>> {
  readonly #svc: S;
  /** External health mode: this process's failure-rate windows (the primary ejects). */
  readonly outcomes = new WorkerOutcomes();

  constructor(svc: S) {
    this.#svc = svc;
  }

  /** A connection of `b` spoke or ended without fault: the streak restarts. */
  success(b: Backend): void {
    const svc = this.#svc;
    passiveSuccess(b, svc.health);
    if (svc.health === null && b.health !== 'down') this.outcomes.record(b.id, false, svc.config.healthCheck, '');
  }

  /** One more consecutive real-traffic failure of `b`: the health checker (or the primary's, via the threshold event) decides. */
  failure(b: Backend, reason: string): void {
    const svc = this.#svc;
    if (passiveFailure(b, reason, svc.health, svc.config.healthCheck.passiveFailures)) svc.host.onPassiveThreshold(svc, b, reason, 'consecutive');
    if (b.removed || svc.health !== null || b.health === 'down') return;
    const outlier = this.outcomes.record(b.id, true, svc.config.healthCheck, reason);
    if (outlier !== null) svc.host.onPassiveThreshold(svc, b, outlier, 'failure-rate');
  }
}
