// Sorting and filtering of the backends table. Pure, so it is unit-tested; the table keeps the
// sort and the filter text in component state, as the overview does.
import type { HealthState } from '@fulcrum/shared/api';
import { stateLabel, type BackendRow } from './backend-rows.ts';

export type BackendSortKey = 'address' | 'weight' | 'state' | 'health' | 'active' | 'total' | 'throughput' | 'latency' | 'fails';
export type SortDirection = 'asc' | 'desc';
export interface BackendSort {
  key: BackendSortKey;
  direction: SortDirection;
}

/** Worst first when sorting by health ascending. */
const HEALTH_ORDER: Record<HealthState, number> = { down: 0, unknown: 1, up: 2 };

/** The latency a row shows: none while down (a moving average of the past is not its latency now) or before any connection. */
export function shownLatency(row: Pick<BackendRow, 'health' | 'connectTimeMs' | 'total'>): number | null {
  if (row.health === 'down' || row.connectTimeMs == null || (row.total ?? 0) === 0) return null;
  return row.connectTimeMs;
}

function throughput(row: BackendRow): number | null {
  const rates = row.rates;
  if (rates === null || (rates.bytesInPerSec == null && rates.bytesOutPerSec == null)) return null;
  return (rates.bytesInPerSec ?? 0) + (rates.bytesOutPerSec ?? 0);
}

function sortValue(row: BackendRow, key: BackendSortKey): number | string | null {
  switch (key) {
    case 'address':
      return row.address;
    case 'weight':
      return row.weight;
    case 'state':
      return stateLabel(row);
    case 'health':
      return HEALTH_ORDER[row.health];
    case 'active':
      return row.active;
    case 'total':
      return row.total;
    case 'throughput':
      return throughput(row);
    case 'latency':
      return shownLatency(row);
    case 'fails':
      return row.failureRate;
  }
}

// Addresses compare with numbers as numbers: 10.0.0.2:80 before 10.0.0.10:80, :7002 before :10000.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted copy; `null` = configuration order. Unknown values (no sample yet) last either way; ties by address. */
export function sortBackendRows(rows: readonly BackendRow[], sort: BackendSort | null): BackendRow[] {
  if (sort === null) return [...rows];
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      const order = compare(va, vb);
      if (order !== 0) return order * sign;
    }
    return collator.compare(a.address, b.address);
  });
}

/** Clicking a header: the same column flips direction; a new one starts where it is most useful. */
export function nextBackendSort(current: BackendSort | null, key: BackendSortKey): BackendSort {
  if (current?.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  // Text reads A→Z and health worst-first ascending; numbers are most interesting largest first.
  return { key, direction: key === 'address' || key === 'state' || key === 'health' ? 'asc' : 'desc' };
}

/** Rows whose address, state, health or health reason contains every word of `query` (case-insensitive). */
export function filterBackendRows(rows: readonly BackendRow[], query: string): BackendRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...rows];
  return rows.filter((row) => {
    const haystack = [row.address, stateLabel(row), row.health, row.backup ? 'backup' : '', row.check?.reason ?? ''].join(' ').toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}
