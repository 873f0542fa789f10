// Loads a recorded range for the charts' node scope: this node's own history, another node's
// (the admin fetches it from that node), or every node that is not lost, summed per slot.
import type { HistoryDto, HistoryRange } from '@fulcrum/shared/history';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { errorMessage } from '../../lib/api-client.ts';
import type { ResolvedScope } from '../overview/node-scope.ts';
import { fetchHistory } from './history-api.ts';
import { sumHistories } from './history-sum.ts';

/** Which nodes' history to load: this node alone (null name: without `node`), or some, with this node's name when it is one of them. */
export interface HistoryTarget {
  /** Node names to load; this node's name is loaded without `node` (locally). */
  nodes: readonly string[];
  self: string;
  /** Nodes not asked: lost ones (their heartbeat is stale). */
  lost: readonly string[];
}

/** A recorded range as the charts show it, with which nodes it covers. */
export interface ScopedHistory extends HistoryDto {
  /** Nodes whose points are in it. */
  counted: string[];
  /** Nodes left out, with why. */
  leftOut: { name: string; reason: string }[];
}

/** The nodes a scope loads: this node; one other node; or every node that is not lost. */
export function historyTarget(scope: ResolvedScope, cluster: ClusterDto | null): HistoryTarget {
  const self = cluster?.nodes.find((n) => n.self)?.name ?? '';
  if (scope.kind === 'self') return { nodes: [self], self, lost: [] };
  if (scope.kind === 'node') return { nodes: [scope.name], self, lost: [] };
  const nodes = cluster?.nodes ?? [];
  return { nodes: nodes.filter((n) => n.state !== 'lost').map((n) => n.name), self, lost: nodes.filter((n) => n.state === 'lost').map((n) => n.name) };
}

/**
 * Loads `range` for `target`. One node: its answer (an error is the error). Several: every
 * answer summed; a node that fails is left out and named, and only when none answers is it an error.
 */
export async function loadScopedHistory(serviceId: number, range: HistoryRange, target: HistoryTarget): Promise<ScopedHistory> {
  const leftOut = target.lost.map((name) => ({ name, reason: 'lost' }));
  const load = (name: string) => fetchHistory(serviceId, range, name === target.self ? undefined : name);
  if (target.nodes.length <= 1) {
    const name = target.nodes[0] ?? target.self;
    return { ...(await load(name)), counted: [name], leftOut };
  }
  const answers = await Promise.allSettled(target.nodes.map(load));
  const parts: HistoryDto[] = [];
  const counted: string[] = [];
  answers.forEach((a, i) => {
    const name = target.nodes[i]!;
    if (a.status === 'fulfilled') {
      parts.push(a.value);
      counted.push(name);
    } else leftOut.push({ name, reason: errorMessage(a.reason) });
  });
  if (parts.length === 0) throw (answers[0] as PromiseRejectedResult).reason;
  return { ...sumHistories(parts), counted, leftOut };
}
