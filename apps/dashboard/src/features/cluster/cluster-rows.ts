// The cluster table's rows as plain text, so what the view shows is tested without a browser.
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { formatAgo, formatCount, formatDuration } from '../../lib/format.ts';
import { nodeStateView, type NodeStateView } from './node-state.ts';

export interface NodeRow {
  name: string;
  /** The node that answered this console. */
  self: boolean;
  adminUrl: string;
  /** The host every service listens on on that node, or "each service's own". */
  listenHost: string;
  /** No --listen-host: each service listens on the host in its own listen address. */
  listenHostDefault: boolean;
  applied: string;
  /** "0", or "2 versions" behind. */
  lag: string;
  state: NodeStateView & { value: string };
  /** The apply error, for a node whose last apply failed. */
  error: string | null;
  lastSeen: string;
  /** ISO time of the last heartbeat, for <time dateTime>. */
  lastSeenIso: string;
  uptime: string;
  connections: string;
}

/** One row per node, ordered by name so rows do not jump while states change. */
export function nodeRows(cluster: ClusterDto, now: number): NodeRow[] {
  return [...cluster.nodes]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((node) => ({
      name: node.name,
      self: node.self,
      adminUrl: node.adminUrl,
      listenHost: node.listenHost ?? "each service's own",
      listenHostDefault: node.listenHost === null,
      applied: `v${node.appliedVersion}`,
      lag: node.lag === 0 ? '0' : `${formatCount(node.lag)} version${node.lag === 1 ? '' : 's'}`,
      state: { ...nodeStateView(node.state), value: node.state },
      error: node.state === 'apply-failed' ? (node.lastApplyError ?? 'no reason given') : null,
      lastSeen: node.self ? 'now' : formatAgo(node.lastSeen, now),
      lastSeenIso: node.lastSeen,
      uptime: formatDuration(node.uptimeMs),
      connections: formatCount(node.activeConnections),
    }));
}
