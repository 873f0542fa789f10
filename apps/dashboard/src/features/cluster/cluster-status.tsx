import { useShallow } from 'zustand/react/shallow';
import { showView } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { selectStale } from '../../store/selectors.ts';
import { clusterSummary } from './cluster-summary.ts';

const ICON = { ok: '✓', problem: '!', single: '' } as const;

/**
 * The top bar's cluster status ("3 nodes, all in step" or what is wrong); a click opens the
 * cluster view. A single SQLite node shows only a discreet "single node".
 */
export function ClusterStatus() {
  const { cluster, view, stale } = useAppStore(useShallow((s) => ({ cluster: s.cluster, view: s.view, stale: selectStale(s) })));
  const summary = clusterSummary(cluster);
  if (!summary) return null;
  const open = view === 'cluster';
  return (
    <button
      type="button"
      className={`cluster-status cluster-status-${summary.kind} tone-${summary.tone}${stale ? ' is-stale' : ''}`}
      data-testid="cluster-status"
      data-kind={summary.kind}
      aria-current={open ? 'page' : undefined}
      // The full status for pointer and screen-reader users; the visible text may be the short form.
      title={`${summary.text} — ${open ? 'showing the cluster view' : 'open the cluster view'}`}
      aria-label={`Cluster: ${summary.text}`}
      onClick={() => showView('cluster')}
    >
      {summary.kind !== 'single' ? (
        <span className="cluster-status-icon" aria-hidden="true">
          {ICON[summary.kind]}
        </span>
      ) : null}
      <span className="cluster-status-text">{summary.short}</span>
    </button>
  );
}
