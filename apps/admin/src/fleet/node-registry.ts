// The nodes' heartbeats in the shared store, and the cluster view built from them
// (GET /api/cluster). Times are PostgreSQL's own now(), so clocks of the nodes never matter.
import type pg from 'pg';
import type { ClusterDto, ClusterNodeDto, NodeState, NodeStatsDto } from '@fulcrum/shared/cluster';

/** What a node reports about itself once a second. */
export interface NodeReport {
  name: string;
  adminUrl: string;
  listenHost: string | null;
  appliedVersion: number;
  applyFailure: { version: number; message: string } | null;
  activeConnections: number;
  /** Counters and backend health per service (node-stats.ts). */
  stats: NodeStatsDto;
  startedAt: Date;
}

/** A node whose heartbeat is older than this is shown as lost. */
export const LOST_AFTER_MS = 5_000;

/** Writes this node's heartbeat row. */
export async function heartbeat(client: pg.ClientBase, r: NodeReport): Promise<void> {
  await client.query(
    `INSERT INTO fulcrum_nodes (name, admin_url, listen_host, applied_version, last_apply_error, failed_version, active_connections, started_at, stats, last_seen)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
     ON CONFLICT (name) DO UPDATE SET admin_url = excluded.admin_url, listen_host = excluded.listen_host,
       applied_version = excluded.applied_version, last_apply_error = excluded.last_apply_error, failed_version = excluded.failed_version,
       active_connections = excluded.active_connections, started_at = excluded.started_at, stats = excluded.stats, last_seen = now()`,
    [r.name, r.adminUrl, r.listenHost, r.appliedVersion, r.applyFailure?.message ?? null, r.applyFailure?.version ?? null, r.activeConnections, r.startedAt, JSON.stringify(r.stats)],
  );
}

/** Removes this node's row (a graceful leave). */
export async function leave(client: pg.ClientBase, name: string): Promise<void> {
  await client.query('DELETE FROM fulcrum_nodes WHERE name = $1', [name]);
}

interface NodeRow {
  name: string;
  admin_url: string;
  listen_host: string | null;
  applied_version: number;
  last_apply_error: string | null;
  failed_version: number | null;
  active_connections: number;
  /** jsonb, parsed by pg; null from a node that predates it. */
  stats: NodeStatsDto | null;
  last_seen: Date;
  age_ms: number;
  uptime_ms: number;
  cluster_version: number;
}

/** The state of a node against the cluster's version. */
export function nodeState(row: { applied_version: number; failed_version: number | null; age_ms: number }, version: number): NodeState {
  if (row.age_ms > LOST_AFTER_MS) return 'lost';
  // Failed at the newest version; a node that failed an older one is merely behind (it tries the new one).
  if (row.failed_version !== null && row.failed_version >= version && row.applied_version < version) return 'apply-failed';
  return row.applied_version >= version ? 'in-step' : 'behind';
}

/** Every node in the shared store, this one marked `self`. */
export async function readCluster(client: pg.ClientBase, self: string): Promise<ClusterDto> {
  const { rows } = await client.query<NodeRow>(
    `SELECT n.*, (extract(epoch FROM now() - n.last_seen) * 1000)::float8 AS age_ms,
            (extract(epoch FROM n.last_seen - n.started_at) * 1000)::float8 AS uptime_ms, c.version AS cluster_version
     FROM fulcrum_nodes n CROSS JOIN fulcrum_cluster c ORDER BY n.name`,
  );
  const version = rows[0]?.cluster_version ?? (await client.query<{ version: number }>('SELECT version FROM fulcrum_cluster WHERE id = 1')).rows[0]?.version ?? 0;
  return {
    version,
    store: 'postgres',
    storeError: null,
    nodes: rows.map(
      (r): ClusterNodeDto => ({
        name: r.name,
        adminUrl: r.admin_url,
        listenHost: r.listen_host,
        appliedVersion: r.applied_version,
        state: nodeState(r, version),
        lastApplyError: r.applied_version < version ? r.last_apply_error : null,
        lastSeen: r.last_seen.toISOString(),
        uptimeMs: Math.max(0, Math.round(r.uptime_ms)),
        activeConnections: r.active_connections,
        lag: Math.max(0, version - r.applied_version),
        self: r.name === self,
        stats: r.stats,
      }),
    ),
  };
}
