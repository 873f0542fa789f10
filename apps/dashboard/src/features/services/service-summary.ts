// Small derived numbers shown for each service in the selector and header.
import type { ServiceDto, ServiceStatsDto } from '@fulcrum/shared/api';
import type { Rates } from '../../store/stats-slice.ts';

export interface BackendCounts {
  /** Configured backends whose health is up. */
  up: number;
  /** Configured backends (removed-but-draining ones excluded). */
  total: number;
  /** Configured backends that are up and enabled: the ones that get new connections. */
  serving: number;
}

export function countBackends(service: ServiceDto, stats: ServiceStatsDto | undefined): BackendCounts {
  const health = new Map((stats?.backends ?? []).map((b) => [b.id, b.health]));
  let up = 0;
  let serving = 0;
  for (const backend of service.backends) {
    if (health.get(backend.id) !== 'up') continue;
    up++;
    if (backend.state === 'enabled') serving++;
  }
  return { up, total: service.backends.length, serving };
}

export type ServiceHealth = 'up' | 'degraded' | 'down' | 'unknown' | 'empty';

/** One word for the service dot: all serving, some, none. */
export function serviceHealth(counts: BackendCounts, hasStats: boolean): ServiceHealth {
  if (counts.total === 0) return 'empty';
  if (!hasStats) return 'unknown';
  if (counts.serving === 0) return 'down';
  return counts.up === counts.total ? 'up' : 'degraded';
}

/** Bytes/s in both directions, or null when unknown. */
export function throughput(rates: Rates | undefined): number | null {
  if (!rates || (rates.bytesInPerSec == null && rates.bytesOutPerSec == null)) return null;
  return (rates.bytesInPerSec ?? 0) + (rates.bytesOutPerSec ?? 0);
}
