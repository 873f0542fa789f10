// The all-services overview as rows: one per service, joined from the configuration, the latest
// stats sample and the table rates, then filtered and sorted. Pure, so it is unit-tested.
import type { ServiceDto } from '@fulcrum/shared/api';
import type { NodeStatsDto } from '@fulcrum/shared/cluster';
import type { RatesByService } from '../../store/stats-slice.ts';
import { countBackends, serviceHealth, throughput, type ServiceHealth } from '../services/service-summary.ts';

export interface OverviewRow {
  id: number;
  name: string;
  listen: string;
  strategy: string;
  health: ServiceHealth;
  up: number;
  total: number;
  draining: number;
  /** null until the first stats sample names this service. */
  active: number | null;
  newPerSec: number | null;
  /** Bytes/s, both directions. */
  bytesPerSec: number | null;
  /** Failed connection attempts to its backends (since the admin started). */
  connectFailures: number | null;
  /** Clients closed because no backend could take them (since the admin started). */
  rejected: number | null;
  /** Backend addresses, so the filter finds the service that holds one. */
  addresses: string[];
}

export type OverviewSortKey = 'status' | 'name' | 'up' | 'active' | 'newPerSec' | 'throughput' | 'errors';
export type SortDirection = 'asc' | 'desc';
export interface OverviewSort {
  key: OverviewSortKey;
  direction: SortDirection;
}

/** Worst first: the landing view leads with what needs attention. */
export const DEFAULT_SORT: OverviewSort = { key: 'status', direction: 'asc' };

const SEVERITY: Record<ServiceHealth, number> = { down: 0, degraded: 1, unknown: 2, empty: 3, up: 4 };

/** `latest`: this node's live sample, one node's heartbeat sample, or the cluster's sum (node-scope.ts). */
export function buildOverviewRows(services: readonly ServiceDto[], latest: NodeStatsDto | null, rates: RatesByService): OverviewRow[] {
  const statsById = new Map((latest?.services ?? []).map((s) => [s.id, s]));
  return services.map((service) => {
    const stats = statsById.get(service.id);
    const counts = countBackends(service, stats);
    const serviceRates = rates[service.id];
    return {
      id: service.id,
      name: service.name,
      listen: service.listen,
      strategy: service.strategy,
      health: serviceHealth(counts, stats !== undefined),
      ...counts,
      active: stats?.active ?? null,
      newPerSec: serviceRates?.newPerSec ?? null,
      bytesPerSec: throughput(serviceRates),
      connectFailures: stats ? stats.backends.reduce((sum, b) => sum + b.connectFailures, 0) : null,
      rejected: stats?.rejected ?? null,
      addresses: service.backends.map((b) => b.address),
    };
  });
}

/** Rows whose name, listen address, strategy or a backend address contains every word of `query`. */
export function filterOverviewRows(rows: readonly OverviewRow[], query: string): OverviewRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...rows];
  return rows.filter((row) => {
    const haystack = [row.name, row.listen, row.strategy, ...row.addresses].join(' ').toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

function errors(row: OverviewRow): number | null {
  return row.connectFailures == null && row.rejected == null ? null : (row.connectFailures ?? 0) + (row.rejected ?? 0);
}

/** The number a column sorts by; for status, severity then the share of backends up. */
function sortValue(row: OverviewRow, key: OverviewSortKey): number | string | null {
  switch (key) {
    case 'status':
      return SEVERITY[row.health] + (row.total > 0 ? row.up / row.total / 2 : 0);
    case 'name':
      return row.name.toLowerCase();
    case 'up':
      return row.total > 0 ? row.up / row.total : null;
    case 'active':
      return row.active;
    case 'newPerSec':
      return row.newPerSec;
    case 'throughput':
      return row.bytesPerSec;
    case 'errors':
      return errors(row);
  }
}

/** Sorted copy; unknown values (no sample yet) always last; ties by name. */
export function sortOverviewRows(rows: readonly OverviewRow[], sort: OverviewSort): OverviewRow[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      return (va < vb ? -1 : 1) * sign;
    }
    return a.name.localeCompare(b.name);
  });
}

/** Clicking a column: the same one flips direction; a new one starts where it is most useful. */
export function nextSort(current: OverviewSort, key: OverviewSortKey): OverviewSort {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  // Names read A→Z and status worst-first ascending; numbers are most interesting largest first.
  return { key, direction: key === 'name' || key === 'status' ? 'asc' : 'desc' };
}

/** How many services are in each state, for the summary line. */
export function healthCounts(rows: readonly OverviewRow[]): Record<ServiceHealth, number> {
  const out: Record<ServiceHealth, number> = { up: 0, degraded: 0, down: 0, unknown: 0, empty: 0 };
  for (const row of rows) out[row.health]++;
  return out;
}
