import type { ChartRange } from './history-rows.ts';
import type { ResolvedScope } from '../overview/node-scope.ts';

/**
 * With several nodes, what the charts show: the admin records history for its own node only, so
 * another node or the whole cluster is live only (from the heartbeats since the page opened),
 * and a recorded range is always this node's.
 */
export function ChartScopeNote({ scope, range, self }: { scope: ResolvedScope; range: ChartRange; self: string }) {
  const picked = scope.kind === 'cluster' ? 'the whole cluster' : scope.kind === 'node' ? `node ${scope.name}` : null;
  let text: string;
  if (picked === null) text = `This node (${self}).`;
  else if (range === 'live') text = `Showing ${picked}: heartbeats (about one point a second) since this page opened. Recorded ranges are this node's (${self}) only.`;
  else text = `Recorded history is this node's (${self}) only; Live shows ${picked}.`;
  return (
    <p className="muted small chart-scope-note" data-testid="charts-scope-note" data-scope={scope.kind}>
      {text}
    </p>
  );
}
