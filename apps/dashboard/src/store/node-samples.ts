// Each node's traffic as its heartbeats report it (ClusterNodeDto.stats, about once a second),
// with the rates since the node's previous heartbeat: what the fleet overview shows.
import type { ClusterDto, NodeStatsDto } from '@fulcrum/shared/cluster';
import { computeRates, type RatesByService } from './stats-slice.ts';

/** A node's last heartbeat sample and the rates since its previous one. */
export interface NodeSample {
  stats: NodeStatsDto;
  rates: RatesByService;
}

/** By node name. */
export type NodeSamples = Record<string, NodeSample>;

/**
 * The samples after a new cluster view. A node whose heartbeat has not moved keeps its sample
 * and rates (the view is pushed after every heartbeat of this node, not of each node).
 */
export function nextNodeSamples(prev: NodeSamples, cluster: ClusterDto): NodeSamples {
  const out: NodeSamples = {};
  for (const node of cluster.nodes) {
    if (node.stats === null) continue;
    const before = prev[node.name];
    out[node.name] = before && before.stats.time === node.stats.time ? before : { stats: node.stats, rates: computeRates(before?.stats ?? null, node.stats) };
  }
  return out;
}

