// Wire types of the cluster view (GET /api/cluster and the live `cluster` message): every node
// sharing one configuration store, with the configuration version each one runs and the
// counters it last reported.
import type { BackendStatsDto, ServiceStatsDto } from './api.ts';

/** How a node stands against the cluster's configuration version. */
export const NODE_STATES = ['in-step', 'behind', 'apply-failed', 'lost'] as const;
export type NodeState = (typeof NODE_STATES)[number];

/** One Fulcrum node as the shared store sees it. */
export interface ClusterNodeDto {
  /** --node-name (default: the host name). */
  name: string;
  /** Where this node's admin API answers (scheme://host:port). */
  adminUrl: string;
  /** --listen-host: the host every service listens on on this node (null: each service's own host). */
  listenHost: string | null;
  /** The configuration version this node runs. */
  appliedVersion: number;
  state: NodeState;
  /** Why the last version could not be applied (state apply-failed), else null. */
  lastApplyError: string | null;
  /** The node's last heartbeat (ISO 8601). */
  lastSeen: string;
  uptimeMs: number;
  /** Proxied connections open on this node at its last heartbeat. */
  activeConnections: number;
  /** Versions this node is behind the cluster (0 when in step). */
  lag: number;
  /** True for the node that answered this request. */
  self: boolean;
  /**
   * The node's own counters and backend health per service at its last heartbeat (health checks
   * and counters are per node); null when the node did not report them (a node from before they
   * were added).
   */
  stats: NodeStatsDto | null;
}

/** One backend as a node reports it in its heartbeat: what the overview counts and rates. */
export type NodeBackendStatsDto = Pick<BackendStatsDto, 'id' | 'health' | 'removed' | 'active' | 'total' | 'bytesIn' | 'bytesOut' | 'connectFailures' | 'group' | 'agent'>;

/** One service as a node reports it in its heartbeat. */
export type NodeServiceStatsDto = Pick<ServiceStatsDto, 'id' | 'active' | 'total' | 'rejected' | 'rejectedByReason' | 'queued' | 'bytesIn' | 'bytesOut'> & {
  backends: NodeBackendStatsDto[];
};

/** A node's counters at one moment: the shape of StatsDto, trimmed to what a heartbeat carries. */
export interface NodeStatsDto {
  /** Milliseconds since the epoch when the node took the sample. */
  time: number;
  services: NodeServiceStatsDto[];
}

/** GET /api/cluster. A single SQLite node answers the same shape with itself alone. */
export interface ClusterDto {
  /** The store's current configuration version. */
  version: number;
  /** `sqlite` (one node, embedded store) or `postgres` (shared store). */
  store: 'sqlite' | 'postgres';
  /**
   * Why the shared store cannot be reached right now (null: it can). While it is unreachable the
   * nodes are shown as this node last saw them, and changes fail with 503 STORE_UNAVAILABLE.
   */
  storeError: string | null;
  nodes: ClusterNodeDto[];
}
