// Each node's chart points from its heartbeats (about one a second), kept for as long as the page
// is open, like the live history: what the service charts show for another node or the whole
// cluster. The admin records history for its own node only, so there is nothing older to load.
import type { NodeSamples } from './node-samples.ts';
import { HISTORY_CAPACITY, historyPoint, type HistoryPoint } from './stats-slice.ts';

/** Chart points by node name, oldest first, at most HISTORY_CAPACITY (5 minutes) each. */
export type NodeHistory = Record<string, readonly HistoryPoint[]>;

/**
 * The history after the samples moved from `before` to `after`: a node whose heartbeat is new
 * gets a point; a node that left the cluster (or stopped sending stats) loses its points.
 */
export function nextNodeHistory(prev: NodeHistory, before: NodeSamples, after: NodeSamples): NodeHistory {
  const out: NodeHistory = {};
  for (const [name, sample] of Object.entries(after)) {
    const points = prev[name] ?? [];
    const last = points.at(-1);
    if (sample === before[name] || (last !== undefined && last.time >= sample.stats.time)) {
      out[name] = points;
      continue;
    }
    const next = [...points, historyPoint(sample.stats, sample.rates)];
    out[name] = next.length > HISTORY_CAPACITY ? next.slice(next.length - HISTORY_CAPACITY) : next;
  }
  return out;
}
