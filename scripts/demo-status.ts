// What the demo prints about the balancer: the periodic status line and health changes, from the
// load counters and GET /api/stats. Pure formatting, no I/O.
import type { BackendStatsDto, HealthState, ServiceStatsDto } from '../packages/shared/src/api.ts';
import type { DemoBackend } from './demo-backends.ts';

/** The load counters at one moment. */
export interface LoadSample {
  time: number;
  ops: number;
  failures: number;
}

/** Keeps the last `keep` samples (one a second gives a rolling window). */
export function addSample(samples: LoadSample[], sample: LoadSample, keep = 11): void {
  samples.push(sample);
  if (samples.length > keep) samples.splice(0, samples.length - keep);
}

/** The stats row of demo backend `backend`, matched by address. */
export function statsOf(service: ServiceStatsDto | undefined, backend: DemoBackend): BackendStatsDto | undefined {
  return service?.backends.find((b) => b.address === backend.address && !b.removed);
}

/**
 * e.g. `status: 58 ops/s, 0 failures in 10 s (3 total) | #1 up 4 conn (212 total) | #2 DOWN 0 conn (97 total) [stopped] | …`
 * Rates are over `oldest` → now.
 */
export function formatStatus(
  now: LoadSample,
  oldest: LoadSample,
  service: ServiceStatsDto | undefined,
  backends: readonly DemoBackend[],
): string {
  const seconds = Math.max(1, Math.round((now.time - oldest.time) / 1000));
  const rate = Math.round((now.ops - oldest.ops) / seconds);
  const failed = now.failures - oldest.failures;
  const parts = [`status: ${rate} ops/s, ${failed} failure${failed === 1 ? '' : 's'} in ${seconds} s (${now.failures} total)`];
  for (const backend of backends) {
    const stats = statsOf(service, backend);
    const process = backend.running ? '' : ' [stopped]';
    if (!stats) {
      parts.push(`#${backend.n} ?${process}`);
      continue;
    }
    const health = stats.health === 'down' ? 'DOWN' : stats.health;
    const ramp = stats.health === 'up' && stats.effectiveWeight < stats.weight ? ` slow-start ${Math.round((100 * stats.effectiveWeight) / Math.max(1, stats.weight))}%` : '';
    parts.push(`#${backend.n} ${health}${ramp} ${stats.active} conn (${stats.total} total)${process}`);
  }
  return parts.join(' | ');
}

/** A backend whose health, as Fulcrum sees it, changed between two samples. */
export interface HealthChange {
  backend: DemoBackend;
  from: HealthState;
  to: HealthState;
}

/** Compares with the previous sample (`seen`, updated in place). */
export function healthChanges(seen: Map<number, HealthState>, service: ServiceStatsDto | undefined, backends: readonly DemoBackend[]): HealthChange[] {
  const changes: HealthChange[] = [];
  for (const backend of backends) {
    const now = statsOf(service, backend)?.health;
    if (now === undefined) continue;
    const before = seen.get(backend.n) ?? 'unknown';
    if (now !== before) changes.push({ backend, from: before, to: now });
    seen.set(backend.n, now);
  }
  return changes;
}
