import { useEffect, useState } from 'react';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { Badge } from '../../components/badge.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { useAppStore } from '../../store/app-store.ts';
import { loadCluster } from './cluster-actions.ts';
import { nodeRows, type NodeRow } from './cluster-rows.ts';
import { clusterSummary } from './cluster-summary.ts';

/** Re-renders once a second so "last seen" ages between pushes. */
function useSecondClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * Pushes come when a node's state or version changes, not on every heartbeat; while the view is
 * open it asks again this often, so last seen, uptime and connections stay current (and a single
 * SQLite node, which never pushes, shows its version after a change).
 */
const REFRESH_MS = 5000;

function useRefreshWhileOpen(): void {
  useEffect(() => {
    void loadCluster();
    const timer = setInterval(() => void loadCluster(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
}

const STORE_TEXT: Record<ClusterDto['store'], string> = {
  sqlite: 'embedded SQLite (this node alone)',
  postgres: 'shared PostgreSQL',
};

/** Every node sharing the configuration: version, lag, state, heartbeat, uptime, connections. */
export function ClusterView() {
  const cluster = useAppStore((s) => s.cluster);
  const now = useSecondClock();
  useRefreshWhileOpen();
  const summary = clusterSummary(cluster);
  return (
    <section className="panel cluster-view" aria-labelledby="cluster-title" data-testid="cluster-view">
      <div className="panel-head">
        <div>
          <h1 id="cluster-title">Cluster</h1>
          <p>
            {cluster ? (
              <>
                Configuration version <b data-testid="cluster-version">v{cluster.version}</b> · store {STORE_TEXT[cluster.store] ?? cluster.store}
              </>
            ) : (
              'Nodes sharing this configuration.'
            )}
          </p>
        </div>
        {summary ? (
          <Badge tone={summary.tone} className="cluster-summary-badge">
            {summary.text}
          </Badge>
        ) : null}
      </div>
      {cluster ? <NodesTable rows={nodeRows(cluster, now)} /> : <EmptyState title="Loading the cluster…">Asking the admin which nodes share this configuration.</EmptyState>}
    </section>
  );
}

function NodesTable({ rows }: { rows: NodeRow[] }) {
  return (
    <div className="table-wrap">
      <table className="table cluster-table" data-testid="cluster-table">
        <caption className="sr-only">Nodes, with the configuration version each one runs</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Applied
            </th>
            <th scope="col" className="num">
              Lag
            </th>
            <th scope="col">Admin URL</th>
            <th scope="col">Listen host</th>
            <th scope="col">Last seen</th>
            <th scope="col" className="num">
              Uptime
            </th>
            <th scope="col" className="num">
              Connections
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <NodeTableRow key={row.name} row={row} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NodeTableRow({ row }: { row: NodeRow }) {
  return (
    <tr data-testid={`node-row-${row.name}`} data-state={row.state.value} className={row.self ? 'is-self' : undefined}>
      <th scope="row" data-testid="name">
        <span className="node-name mono">{row.name}</span>
        {row.self ? (
          <span className="self-tag" data-testid="self">
            this node
          </span>
        ) : null}
      </th>
      <td className="node-state-cell" data-testid="state">
        <Badge tone={row.state.tone} className="node-state">
          <span className="node-state-icon" aria-hidden="true">
            {row.state.icon}
          </span>
          {row.state.label}
        </Badge>
        {row.error ? (
          <p className="node-error" data-testid="apply-error">
            {row.error}
          </p>
        ) : null}
      </td>
      <td className="num" data-testid="applied">
        {row.applied}
      </td>
      <td className={`num${row.lag !== '0' ? ' warn' : ' muted'}`} data-testid="lag">
        {row.lag}
      </td>
      <td className="mono" data-testid="admin-url">
        {row.adminUrl}
      </td>
      <td className={row.listenHostDefault ? 'muted' : 'mono'} data-testid="listen-host">
        {row.listenHost}
      </td>
      <td data-testid="last-seen">
        <time dateTime={row.lastSeenIso}>{row.lastSeen}</time>
      </td>
      <td className="num" data-testid="uptime">
        {row.uptime}
      </td>
      <td className="num live" data-testid="connections">
        {row.connections}
      </td>
    </tr>
  );
}
