import type { ClusterDto } from '@fulcrum/shared/cluster';
import { WHOLE_CLUSTER } from './node-scope.ts';

/** With several nodes: show the whole cluster (summed) or one node. */
export function ScopePicker({ cluster, scope, onChange }: { cluster: ClusterDto; scope: string; onChange: (scope: string) => void }) {
  const known = scope === WHOLE_CLUSTER || cluster.nodes.some((n) => n.name === scope);
  return (
    <label className="overview-scope">
      <span className="field-label">Show</span>
      <select className="input" data-testid="overview-scope" value={known ? scope : WHOLE_CLUSTER} onChange={(e) => onChange(e.target.value)}>
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
