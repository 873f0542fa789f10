// The cluster view of this node: from the shared store's heartbeats when there is one, else this
// node alone (a single SQLite node answers GET /api/cluster with the same shape).
import { hostname } from 'node:os';
import type { ClusterDto, NodeStatsDto } from '@fulcrum/shared/cluster';
import type { ClusterLink } from './cluster-link.ts';

/** Who this node is in the cluster. */
export interface NodeIdentity {
  /** --node-name (default: the host name). */
  name: string;
  /** --listen-host, if given. */
  listenHost: string | null;
  /** This node's admin URL; set once the admin listens. */
  adminUrl: string;
  startedAt: Date;
}

/** The default node name: the host name. */
export const defaultNodeName = (): string => hostname();

/** What a single node reports about itself. */
export interface SelfReport {
  version: number;
  applyFailure: { version: number; message: string } | null;
  activeConnections: number;
  stats: NodeStatsDto;
}

/** This node alone, as GET /api/cluster shows a single SQLite node. */
export function singleNodeView(node: NodeIdentity, self: SelfReport): ClusterDto {
  return {
    version: self.version,
    store: 'sqlite',
    storeError: null,
    nodes: [
      {
        name: node.name,
        adminUrl: node.adminUrl,
        listenHost: node.listenHost,
        appliedVersion: self.version,
        state: 'in-step',
        lastApplyError: null,
        lastSeen: new Date().toISOString(),
        uptimeMs: Date.now() - node.startedAt.getTime(),
        activeConnections: self.activeConnections,
        lag: 0,
        self: true,
        stats: self.stats,
      },
    ],
  };
}

/** The cluster view now: the shared store's, or this node alone. */
export async function clusterView(node: NodeIdentity, self: SelfReport, link: ClusterLink | undefined): Promise<ClusterDto> {
  if (!link) return singleNodeView(node, self);
  const view = await link.readCluster();
  if (view) return view;
  // Never reached the store since start: this node is all it knows.
  return { ...singleNodeView(node, self), store: 'postgres', storeError: link.storeError };
}
