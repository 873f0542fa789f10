// Joins a service's configured backends with their live stats into table rows. Backends that
// were removed but still drain connections exist only in stats (removed=true) and stay
// visible as "draining (removed)" until their last connection closes. A DNS discovery group is a
// configured row followed by its current members (from stats, marked with the group's id).
import type { AdminState, AgentCheckDto, AgentViewDto, BackendCheckDto, BackendDto, BackendStatsDto, DiscoveryStatusDto, HealthState, ServiceDto, ServiceStatsDto } from '@fulcrum/shared/api';
import { agentAdmits } from './agent-view.ts';
import type { Rates, ServiceRates } from '../../store/stats-slice.ts';

export interface BackendRow {
  id: number;
  /** A fixed backend, a discovery group, or a member a group discovered (not editable on its own). */
  kind: 'backend' | 'group' | 'member';
  address: string;
  /** A group: its members and last resolution on this node (null until known). */
  discovery?: DiscoveryStatusDto | null;
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
  /** Connections Fulcrum ended gracefully: past maxConnectionLifetimeMs, by a rebalance (null before a sample). */
  closedByLifetime: number | null;
  closedByRebalance: number | null;
  connectTimeMs: number | null;
  rates: Rates | null;
  /** The backend's own agent check (null: the service's, if any). */
  agentCheck: AgentCheckDto | null;
  /** What its agent said last; null when no agent check applies (or no sample yet). */
  agent: AgentViewDto | null;
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
    closedByLifetime: stats?.closedByLifetime ?? null,
    closedByRebalance: stats?.closedByRebalance ?? null,
    connectTimeMs: stats?.connectTimeMs ?? null,
    rates: rates ?? null,
    agent: stats?.agent ?? null,
    check: stats?.check ?? null,
  };
}

function configRow(backend: BackendDto, stats: BackendStatsDto | undefined, rates: Rates | undefined): BackendRow {
  return {
    id: backend.id,
    kind: backend.discover ? 'group' : 'backend',
    address: backend.address,
    weight: backend.weight,
    state: backend.state,
    backup: backend.backup,
    maxConnections: backend.maxConnections,
    agentCheck: backend.agentCheck,
    removed: false,
    ...fromStats(stats, rates),
  };
}

function memberRow(stats: BackendStatsDto, rates: Rates | undefined): BackendRow {
  return {
    id: stats.id,
    kind: 'member',
    address: stats.address,
    weight: stats.weight,
    state: stats.state,
    backup: false,
    maxConnections: 0,
    // A member follows its group's agent check; it has no setting of its own to edit.
    agentCheck: null,
    removed: false,
    ...fromStats(stats, rates),
  };
}

function removedRow(stats: BackendStatsDto, rates: Rates | undefined): BackendRow {
  return {
    id: stats.id,
    kind: stats.group === undefined ? 'backend' : 'member',
    address: stats.address,
    weight: stats.weight,
    state: 'draining',
    backup: false,
    maxConnections: 0,
    agentCheck: null,
    removed: true,
    ...fromStats(stats, rates),
  };
}

/** Rows in config order (each group followed by its members), then removed-but-draining backends. */
export function buildBackendRows(service: ServiceDto, stats: ServiceStatsDto | undefined, rates: ServiceRates | undefined): BackendRow[] {
  const statsById = new Map((stats?.backends ?? []).map((b) => [b.id, b]));
  const configured = new Set(service.backends.map((b) => b.id));
  const rows: BackendRow[] = [];
  for (const b of service.backends) {
    const row = configRow(b, statsById.get(b.id), rates?.backends[b.id]);
    rows.push(row);
    if (row.kind !== 'group') continue;
    row.discovery = stats?.discovery?.find((g) => g.groupId === b.id) ?? b.discovery ?? null;
    for (const m of stats?.backends ?? []) if (m.group === b.id && !m.removed) rows.push(memberRow(m, rates?.backends[m.id]));
  }
  for (const b of stats?.backends ?? []) {
    // A backend the config no longer has but stats still show is draining after removal,
    // whether or not the admin has set `removed` yet. A current group member is listed above.
    const currentMember = b.group !== undefined && configured.has(b.group) && !b.removed;
    if (!configured.has(b.id) && !currentMember && (b.removed || b.active > 0)) rows.push(removedRow(b, rates?.backends[b.id]));
  }
  return rows;
}

/** What a group's health cell says: its member count, or why its last resolution failed. */
export function groupSummary(status: DiscoveryStatusDto | null | undefined): { text: string; error: string } {
  if (!status) return { text: 'resolving…', error: '' };
  const n = status.members.length;
  const members = `${n} member${n === 1 ? '' : 's'}`;
  return status.lastError === '' ? { text: members, error: '' } : { text: `${members} (last known)`, error: status.lastError };
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

/** Whether a backend takes new connections right now (enabled, healthy, and its agent, if any, lets it). */
export function isServing(row: Pick<BackendRow, 'state' | 'removed' | 'health'> & Partial<Pick<BackendRow, 'agent'>>): boolean {
  return !row.removed && row.state === 'enabled' && row.health === 'up' && agentAdmits(row.agent ?? null);
}
