// The overview of several nodes: the whole cluster (every reachable node's counters summed) or
// one node, from the trimmed stats each node sends with its heartbeat about once a second
// (GET /api/cluster and `cluster` pushes). Pure, so it is unit-tested.
import type { AgentViewDto } from '@fulcrum/shared/api';
import type { ClusterDto, NodeBackendStatsDto, NodeServiceStatsDto, NodeStatsDto } from '@fulcrum/shared/cluster';
import type { HealthState } from '@fulcrum/shared/enums';
import type { NodeSample, NodeSamples } from '../../store/node-samples.ts';
import type { Rates, RatesByService, ServiceRates } from '../../store/stats-slice.ts';
import { WHOLE_CLUSTER } from '../../store/ui-slice.ts';
import { agentAdmits } from '../backends/agent-view.ts';

/** What the overview shows for a scope: the counters, their rates, and who is left out. */
export interface ScopeView {
  stats: NodeStatsDto | null;
  rates: RatesByService;
  /** Nodes whose counters are in the view. */
  counted: string[];
  /** Nodes left out: lost (stale heartbeat) or without stats. */
  leftOut: string[];
}

/** One node's view. */
export function nodeScope(samples: NodeSamples, name: string): ScopeView {
  const sample = samples[name];
  return sample ? { stats: sample.stats, rates: sample.rates, counted: [name], leftOut: [] } : { stats: null, rates: {}, counted: [], leftOut: [name] };
}

/**
 * The whole cluster: counters and rates summed over the nodes that are not lost. A backend
 * counts as up only when every counted node sees it up (health checks run on each node, and a
 * backend one node cannot reach fails that node's clients): down on any node is down.
 */
export function clusterScope(cluster: ClusterDto, samples: NodeSamples): ScopeView {
  const counted: string[] = [];
  const leftOut: string[] = [];
  for (const node of cluster.nodes) (node.state !== 'lost' && samples[node.name] ? counted : leftOut).push(node.name);
  if (counted.length === 0) return { stats: null, rates: {}, counted, leftOut };
  const parts = counted.map((name) => samples[name] as NodeSample);
  return { stats: sumStats(parts.map((p) => p.stats)), rates: sumRates(parts.map((p) => p.rates)), counted, leftOut };
}

const HEALTH_RANK: Record<HealthState, number> = { down: 0, unknown: 1, up: 2 };

function sumStats(all: NodeStatsDto[]): NodeStatsDto {
  const services = new Map<number, NodeServiceStatsDto>();
  for (const stats of all) {
    for (const s of stats.services) {
      const sum = services.get(s.id);
      services.set(s.id, sum ? addService(sum, s) : { ...s, rejectedByReason: { ...s.rejectedByReason }, backends: s.backends.map((b) => ({ ...b })) });
    }
  }
  return { time: Math.max(...all.map((s) => s.time)), services: [...services.values()] };
}

/** Adds `from`'s numbers under `keys` into `into`. */
function addNumbers<T, K extends keyof T>(into: T, from: T, keys: readonly K[]): void {
  for (const key of keys) (into[key] as number) += from[key] as number;
}

const SERVICE_COUNTERS = ['active', 'total', 'rejected', 'queued', 'bytesIn', 'bytesOut'] as const;
const BACKEND_COUNTERS = ['active', 'total', 'bytesIn', 'bytesOut', 'connectFailures'] as const;

function addService(sum: NodeServiceStatsDto, s: NodeServiceStatsDto): NodeServiceStatsDto {
  addNumbers(sum, s, SERVICE_COUNTERS);
  for (const key of Object.keys(s.rejectedByReason) as Array<keyof typeof s.rejectedByReason>) sum.rejectedByReason[key] = (sum.rejectedByReason[key] ?? 0) + s.rejectedByReason[key];
  const backends = new Map(sum.backends.map((b) => [b.id, b]));
  for (const b of s.backends) {
    const into = backends.get(b.id);
    if (into) addBackend(into, b);
    else sum.backends.push({ ...b });
  }
  return sum;
}

function addBackend(sum: NodeBackendStatsDto, b: NodeBackendStatsDto): void {
  addNumbers(sum, b, BACKEND_COUNTERS);
  if (HEALTH_RANK[b.health] < HEALTH_RANK[sum.health]) sum.health = b.health;
  sum.removed &&= b.removed;
  sum.agent = worstAgent(sum.agent, b.agent);
}

/** The agent view that admits least: an agent saying drain on one node keeps it out of "up". */
function worstAgent(a: AgentViewDto | null, b: AgentViewDto | null): AgentViewDto | null {
  if (a === null) return b;
  if (b === null) return a;
  return agentAdmits(a) && !agentAdmits(b) ? b : a;
}

function sumRates(all: RatesByService[]): RatesByService {
  const out: RatesByService = {};
  for (const rates of all) {
    for (const [id, r] of Object.entries(rates)) {
      const sum: ServiceRates = out[Number(id)] ?? { newPerSec: null, bytesInPerSec: null, bytesOutPerSec: null, backends: {} };
      addRates(sum, r);
      for (const [backendId, br] of Object.entries(r.backends)) {
        const into = sum.backends[Number(backendId)] ?? { newPerSec: null, bytesInPerSec: null, bytesOutPerSec: null };
        addRates(into, br);
        sum.backends[Number(backendId)] = into;
      }
      out[Number(id)] = sum;
    }
  }
  return out;
}

/** null + x = x: a node without a rate yet (its first heartbeat) adds nothing. */
function addRates(sum: Rates, r: Rates): void {
  sum.newPerSec = plus(sum.newPerSec, r.newPerSec);
  sum.bytesInPerSec = plus(sum.bytesInPerSec, r.bytesInPerSec);
  sum.bytesOutPerSec = plus(sum.bytesOutPerSec, r.bytesOutPerSec);
}

function plus(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : a + b;
}

/**
 * What a scope value (the store's nodeScope) means with this cluster: this node (a single node,
 * or this node picked in a cluster), another node, or every node. A scope naming a node that
 * left means the cluster.
 */
export type ResolvedScope = { kind: 'self'; name: string } | { kind: 'node'; name: string } | { kind: 'cluster' };

/** Resolves `scope` (WHOLE_CLUSTER or a node name) against the cluster; the overview and the service charts both use it. */
export function resolveScope(scope: string, cluster: ClusterDto | null): ResolvedScope {
  const nodes = cluster?.nodes ?? [];
  const self = nodes.find((n) => n.self)?.name ?? '';
  if (nodes.length <= 1 || scope === self) return { kind: 'self', name: self };
  if (scope !== WHOLE_CLUSTER && nodes.some((n) => n.name === scope)) return { kind: 'node', name: scope };
  return { kind: 'cluster' };
}

/**
 * What the overview shows for `scope` (WHOLE_CLUSTER or a node name): a single node, or this
 * node in a cluster, shows its live stream (`live`, 2 samples a second); another node its
 * heartbeats; the whole cluster their sum.
 */
export function scopeView(scope: string, cluster: ClusterDto | null, samples: NodeSamples, live: { stats: NodeStatsDto | null; rates: RatesByService }): ScopeView {
  const resolved = resolveScope(scope, cluster);
  if (resolved.kind === 'self') return { ...live, counted: resolved.name ? [resolved.name] : [], leftOut: [] };
  if (resolved.kind === 'node') return nodeScope(samples, resolved.name);
  return clusterScope(cluster as ClusterDto, samples);
}
