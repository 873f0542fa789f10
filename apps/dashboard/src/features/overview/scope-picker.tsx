import type { ClusterDto } from '@fulcrum/shared/cluster';
import { setNodeScope } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { WHOLE_CLUSTER } from '../../store/ui-slice.ts';

/**
 * With several nodes: show the whole cluster (summed) or one node. Every instance (the overview,
 * the service charts) edits the one nodeScope in the store, so they always agree.
 */
export function ScopePicker({ cluster, testId }: { cluster: ClusterDto; testId: string }) {
  const scope = useAppStore((s) => s.nodeScope);
  const known = scope === WHOLE_CLUSTER || cluster.nodes.some((n) => n.name === scope);
  return (
    <label className="overview-scope">
      <span className="field-label">Show</span>
      <select className="select" data-testid={testId} value={known ? scope : WHOLE_CLUSTER} onChange={(e) => setNodeScope(e.target.value)}>
        <option value={WHOLE_CLUSTER}>Whole cluster ({cluster.nodes.length} nodes)</option>
        {cluster.nodes.map((node) => (
          <option key={node.name} value={node.name}>
            {node.self ? `${node.name} (this node, live)` : node.name}
            {node.state === 'lost' ? ' — lost' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
