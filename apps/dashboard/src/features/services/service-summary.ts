// Small derived numbers shown for each service in the selector and header.
import type { ServiceDto } from '@fulcrum/shared/api';
import type { NodeServiceStatsDto } from '@fulcrum/shared/cluster';
import type { Rates } from '../../store/stats-slice.ts';
import { agentAdmits } from '../backends/agent-view.ts';
import { listSummary } from './client-lists.ts';

export interface BackendCounts {
  /**
   * Configured backends that serve: enabled, health up and not kept away by their agent, the
   * ones that get new connections. A draining or disabled backend is not "up" here, however healthy.
   */
  up: number;
  /** Configured backends (removed-but-draining ones excluded). */
  total: number;
  /** Configured backends in the draining state, shown next to the up count. */
  draining: number;
}

export function countBackends(service: ServiceDto, stats: NodeServiceStatsDto | undefined): BackendCounts {
  const live = new Map((stats?.backends ?? []).map((b) => [b.id, b]));
  let up = 0;
  let total = 0;
  let draining = 0;
  for (const backend of service.backends) {
    // A DNS discovery group counts as its current members (from stats), each with its own health.
    const members = backend.discover ? (stats?.backends ?? []).filter((m) => m.group === backend.id && !m.removed) : [backend];
    for (const m of members) {
      total++;
      const seen = live.get(m.id);
      if (backend.state === 'draining') draining++;
      else if (backend.state === 'enabled' && seen?.health === 'up' && agentAdmits(seen.agent ?? null)) up++;
    }
  }
  return { up, total, draining };
}

/** "2/3 up", or "2/3 up · 1 draining". */
export function upText(counts: BackendCounts): string {
  const up = `${counts.up}/${counts.total} up`;
  return counts.draining > 0 ? `${up} · ${counts.draining} draining` : up;
}

export type ServiceHealth = 'up' | 'degraded' | 'down' | 'unknown' | 'empty';

/** One word for the service dot: all serving, some, none. */
export function serviceHealth(counts: BackendCounts, hasStats: boolean): ServiceHealth {
  if (counts.total === 0) return 'empty';
  if (!hasStats) return 'unknown';
  if (counts.up === 0) return 'down';
  return counts.up === counts.total ? 'up' : 'degraded';
}

/** Bytes/s in both directions, or null when unknown. */
export function throughput(rates: Rates | undefined): number | null {
  if (!rates || (rates.bytesInPerSec == null && rates.bytesOutPerSec == null)) return null;
  return (rates.bytesInPerSec ?? 0) + (rates.bytesOutPerSec ?? 0);
}

/**
 * The service's PROXY protocol in one line: "sends v2 · reads from 10.0.0.0/8", "sends v1",
 * or null when it neither sends nor reads a header (backends may still set their own).
 */
export function proxySummary(s: Pick<ServiceDto, 'proxyProtocol' | 'acceptProxyProtocol' | 'backends'>): string | null {
  const parts: string[] = [];
  if (s.proxyProtocol !== 'off') parts.push(`sends ${s.proxyProtocol}`);
  const own = s.backends.filter((b) => b.proxyProtocol !== null && b.proxyProtocol !== s.proxyProtocol).length;
  if (own > 0) parts.push(`${own} backend${own === 1 ? '' : 's'} override`);
  if (s.acceptProxyProtocol !== null) parts.push(`reads from ${listSummary(s.acceptProxyProtocol.from, '')}`);
  return parts.length === 0 ? null : parts.join(' · ');
}
