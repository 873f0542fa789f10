// Joins a service's configured backends with their live stats into table rows. Backends that
// were removed but still drain connections exist only in stats (removed=true) and stay
// visible as "draining (removed)" until their last connection closes.
import type { AdminState, BackendCheckDto, BackendDto, BackendStatsDto, HealthState, ServiceDto, ServiceStatsDto } from '@fulcrum/shared/api';
import type { Rates, ServiceRates } from '../../store/stats-slice.ts';

export interface BackendRow {
  id: number;
  address: string;
  weight: number;
  effectiveWeight: number | null;
  state: AdminState;
  backup: boolean;
  maxConnections: number;
  /** Gone from the config, still draining. Not editable. */
  removed: boolean;
  health: HealthState;
  /** Null until the first stats sample mentions this backend. */
  active: number | null;
  total: number | null;
  /** Lifetime count of failed connects. */
  connectFailures: number | null;
  /** Failed connects per second over the last minute. */
  failureRate: number | null;
  connectTimeMs: number | null;
  rates: Rates | null;
  /** Health detail (reason, since, last check); null without a health check or before the first sample. */
  check: BackendCheckDto | null;
}

function fromStats(stats: BackendStatsDto | undefined, rates: Rates | undefined) {
  return {
    health: stats?.health ?? ('unknown' as HealthState),
    effectiveWeight: stats?.effectiveWeight ?? null,
    active: stats?.active ?? null,
    total: stats?.total ?? null,
    connectFailures: stats?.connectFailures ?? null,
    failureRate: stats?.failureRate ?? null,
    connectTimeMs: stats?.connectTimeMs ?? null,
    rates: rates ?? null,
    check: stats?.check ?? null,
  };
}

function configRow(backend: BackendDto, stats: BackendStatsDto | undefined, rates: Rates | undefined): BackendRow {
  return {
    id: backend.id,
    address: backend.address,
    weight: backend.weight,
    state: backend.state,
    backup: backend.backup,
    maxConnections: backend.maxConnections,
    removed: false,
    ...fromStats(stats, rates),
  };
}

function removedRow(stats: BackendStatsDto, rates: Rates | undefined): BackendRow {
  return {
    id: stats.id,
    address: stats.address,
    weight: stats.weight,
    state: 'draining',
    backup: false,
    maxConnections: 0,
    removed: true,
    ...fromStats(stats, rates),
  };
}

/** Rows in config order, then removed-but-draining backends. */
export function buildBackendRows(service: ServiceDto, stats: ServiceStatsDto | undefined, rates: ServiceRates | undefined): BackendRow[] {
  const statsById = new Map((stats?.backends ?? []).map((b) => [b.id, b]));
  const configured = new Set(service.backends.map((b) => b.id));
  const rows = service.backends.map((b) => configRow(b, statsById.get(b.id), rates?.backends[b.id]));
  for (const b of stats?.backends ?? []) {
    // A backend the config no longer has but stats still show is draining after removal,
    // whether or not the admin has set `removed` yet.
    if (!configured.has(b.id) && (b.removed || b.active > 0)) rows.push(removedRow(b, rates?.backends[b.id]));
  }
  return rows;
}

export type StatusTone = 'up' | 'down' | 'unknown' | 'draining' | 'disabled';

/** What the admin-state cell says: "enabled", "disabled", "draining", "draining (removed)". */
export function stateLabel(row: Pick<BackendRow, 'state' | 'removed'>): string {
  return row.removed ? 'draining (removed)' : row.state;
}

/** Colour of the state badge. */
export function stateTone(row: Pick<BackendRow, 'state' | 'removed'>): StatusTone {
  if (row.removed || row.state === 'draining') return 'draining';
  if (row.state === 'disabled') return 'disabled';
  return 'up';
}

/** "3 connections left", "1 connection left", "drained". */
export function drainProgress(active: number | null): string {
  if (active == null) return '';
  if (active === 0) return 'drained';
  return `${active} connection${active === 1 ? '' : 's'} left`;
}

/** Whether a backend takes new connections right now (enabled and healthy). */
export function isServing(row: Pick<BackendRow, 'state' | 'removed' | 'health'>): boolean {
  return !row.removed && row.state === 'enabled' && row.health === 'up';
}
