import type { ChartRange } from './history-rows.ts';
import type { ResolvedScope } from '../overview/node-scope.ts';

/**
 * With several nodes, what the charts show: live, this node's stream or the heartbeats since the
 * page opened; a recorded range, this node's history, another node's (fetched through this admin)
 * or every node's summed per slot (the nodes counted are named under the charts).
 */
export function ChartScopeNote({ scope, range, self }: { scope: ResolvedScope; range: ChartRange; self: string }) {
  const picked = scope.kind === 'cluster' ? 'the whole cluster' : scope.kind === 'node' ? `node ${scope.name}` : null;
  let text: string;
  if (picked === null) text = `This node (${self}).`;
  else if (range === 'live') text = `Showing ${picked}: heartbeats (about one point a second) since this page opened.`;
  else if (scope.kind === 'node') text = `Recorded history of node ${scope.name}, fetched from it by this node (${self}).`;
  else text = "Recorded history of the whole cluster: every node's that is not lost, summed per slot.";
  return (
    <p className="muted small chart-scope-note" data-testid="charts-scope-note" data-scope={scope.kind}>
      {text}
    </p>
  );
}
