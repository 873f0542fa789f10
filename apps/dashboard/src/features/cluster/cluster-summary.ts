// The header's one-line cluster status: "3 nodes, all in step", or what is wrong.
import type { ClusterDto, ClusterNodeDto } from '@fulcrum/shared/cluster';
import type { BadgeTone } from '../../components/badge.tsx';

export interface ClusterSummary {
  /** `single`: one SQLite node, shown discreetly; `ok`: every node in step; `problem`: anything else. */
  kind: 'single' | 'ok' | 'problem';
  /** Everything: "node b: apply failed · node c lost · 1 of 4 nodes behind". */
  text: string;
  /** For the top bar: the worst news and how many more ("node b: apply failed (+2 more)"). */
  short: string;
  tone: BadgeTone;
}

function nodes(count: number): string {
  return count === 1 ? '1 node' : `${count} nodes`;
}

/** "node b: apply failed" for one node, "2 of 3 nodes: apply failed" for several. */
function phrase(matching: readonly ClusterNodeDto[], total: number, one: (name: string) => string, many: string): string | null {
  const [only] = matching;
  if (!only) return null;
  return matching.length === 1 ? one(only.name) : `${matching.length} of ${nodes(total)}${many}`;
}

/**
 * The status for the header, worst news first (the store unreachable, apply failures, lost
 * nodes, then nodes behind);
 * null before the cluster is known.
 */
export function clusterSummary(cluster: ClusterDto | null): ClusterSummary | null {
  if (!cluster) return null;
  const all = cluster.nodes;
  const total = all.length;
  const failed = all.filter((n) => n.state === 'apply-failed');
  const lost = all.filter((n) => n.state === 'lost');
  const behind = all.filter((n) => n.state === 'behind');
  const problems = [
    // Worst of all: no change can be made until the shared store is back (traffic is unaffected).
    cluster.storeError !== null ? 'shared store unreachable: changes are refused' : null,
    phrase(failed, total, (name) => `node ${name}: apply failed`, ': apply failed'),
    phrase(lost, total, (name) => `node ${name} lost`, ' lost'),
    // "1 of 3 nodes behind" even for one: the proportion is what matters while a change spreads.
    behind.length > 0 ? `${behind.length} of ${nodes(total)} behind` : null,
  ].filter((p): p is string => p !== null);
  const [worst] = problems;
  if (worst !== undefined) {
    return {
      kind: 'problem',
      text: problems.join(' · '),
      short: problems.length > 1 ? `${worst} (+${problems.length - 1} more)` : worst,
      tone: cluster.storeError !== null || failed.length > 0 || lost.length > 0 ? 'down' : 'draining',
    };
  }
  if (cluster.store === 'sqlite' && total <= 1) return { kind: 'single', text: 'single node', short: 'single node', tone: 'plain' };
  const text = total === 1 ? '1 node, in step' : `${total} nodes, all in step`;
  return { kind: 'ok', text, short: text, tone: 'up' };
}
