// The cluster as the admin last reported it: every node sharing the configuration store, with the
// version each one runs. Filled by GET /api/cluster after each `hello`, then by `cluster` pushes.
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { nextNodeHistory, type NodeHistory } from './node-history.ts';
import { nextNodeSamples, type NodeSamples } from './node-samples.ts';

export interface ClusterSlice {
  /** null until the first answer or push (and for an admin without GET /api/cluster). */
  cluster: ClusterDto | null;
  /** `cluster` pushes received so far: a GET answer sent before the newest push is older than it. */
  clusterPushes: number;
  /** Each node's last heartbeat stats and rates, for the fleet overview. */
  nodeSamples: NodeSamples;
  /** Each node's heartbeats as chart points since the page opened, for the service charts. */
  nodeHistory: NodeHistory;
}

export const initialClusterSlice: ClusterSlice = { cluster: null, clusterPushes: 0, nodeSamples: {}, nodeHistory: {} };

/** The samples and chart points after a new cluster view. */
function withSamples(state: ClusterSlice, cluster: ClusterDto): Pick<ClusterSlice, 'nodeSamples' | 'nodeHistory'> {
  const nodeSamples = nextNodeSamples(state.nodeSamples, cluster);
  return { nodeSamples, nodeHistory: nextNodeHistory(state.nodeHistory, state.nodeSamples, nodeSamples) };
}

/** A `cluster` push: always the newest view. */
export function pushCluster(state: ClusterSlice, cluster: ClusterDto): ClusterSlice {
  return { cluster, clusterPushes: state.clusterPushes + 1, ...withSamples(state, cluster) };
}

/**
 * A GET /api/cluster answer, requested when `pushesAtRequest` pushes had arrived. A push that
 * arrived while the request was in flight is at least as new, so the answer is then dropped.
 */
export function fetchedCluster(state: ClusterSlice, cluster: ClusterDto, pushesAtRequest: number): ClusterSlice {
  return state.clusterPushes === pushesAtRequest ? { ...state, cluster, ...withSamples(state, cluster) } : state;
}

/** True when more than one node shares the configuration (anything else is the plain single-node console). */
export function isMultiNode(cluster: ClusterDto | null): boolean {
  return cluster !== null && cluster.nodes.length > 1;
}
