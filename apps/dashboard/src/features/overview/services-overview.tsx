import { useMemo, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { STRATEGIES } from '@fulcrum/shared/strategies';
import { formatByteRate, formatCount, formatRate } from '../../lib/format.ts';
import { selectService } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import type { ServiceHealth } from '../services/service-summary.ts';
import { isMultiNode } from '../../store/cluster-slice.ts';
import { scopeView } from './node-scope.ts';
import { ScopePicker } from './scope-picker.tsx';
import { DEFAULT_SORT, buildOverviewRows, filterOverviewRows, healthCounts, nextSort, sortOverviewRows, type OverviewRow, type OverviewSort, type OverviewSortKey } from './overview-rows.ts';

const STRATEGY_LABEL = new Map<string, string>(STRATEGIES.map((s) => [s.name, s.label]));
/** Words, not colour alone. */
const HEALTH_LABEL: Record<ServiceHealth, string> = { up: 'all up', degraded: 'degraded', down: 'down', unknown: 'unknown', empty: 'no backends' };
const BADGE_TONE: Record<ServiceHealth, string> = { up: 'up', degraded: 'draining', down: 'down', unknown: 'unknown', empty: 'plain' };

interface Column {
  key: OverviewSortKey;
  label: string;
  numeric?: boolean;
  title?: string;
}

const COLUMNS: Column[] = [
  { key: 'status', label: 'Status', title: 'Down first, then degraded, then healthy' },
  { key: 'name', label: 'Service' },
  { key: 'up', label: 'Backends up', numeric: true, title: 'Enabled and healthy backends / configured backends' },
  { key: 'active', label: 'Active', numeric: true, title: 'Open client connections' },
  { key: 'newPerSec', label: 'New / s', numeric: true, title: 'New client connections per second (last ~2 s)' },
  { key: 'throughput', label: 'Throughput', numeric: true, title: 'Bytes per second, both directions' },
  { key: 'errors', label: 'Errors', numeric: true, title: 'Failed connects to backends · clients rejected (no backend could take them), since the admin started' },
];

/**
 * The landing view: every service on one screen with its live health and load, worst first,
 * sortable and filterable; a row opens the service. Built from the data the console already
 * receives (configuration, the live stats stream, and with several nodes their heartbeats), so
 * it needs no extra request.
 */
export function ServicesOverview() {
  const { services, latest, rates, cluster, nodeSamples, scope } = useAppStore(
    useShallow((s) => ({ services: s.services, latest: s.latest, rates: s.rates, cluster: s.cluster, nodeSamples: s.nodeSamples, scope: s.nodeScope })),
  );
  const [sort, setSort] = useState<OverviewSort>(DEFAULT_SORT);
  const [query, setQuery] = useState('');
  const view = useMemo(() => scopeView(scope, cluster, nodeSamples, { stats: latest, rates }), [scope, cluster, nodeSamples, latest, rates]);
  const all = useMemo(() => buildOverviewRows(services, view.stats, view.rates), [services, view]);
  const rows = useMemo(() => sortOverviewRows(filterOverviewRows(all, query), sort), [all, query, sort]);
  const counts = healthCounts(all);

  return (
    <section className="panel overview" aria-labelledby="overview-title" data-testid="services-overview">
      <div className="panel-head overview-head">
        <div>
          <h1 id="overview-title">All services</h1>
          <p className="overview-summary" data-testid="overview-summary">
            {all.length} service{all.length === 1 ? '' : 's'}
            {counts.down > 0 ? <span className="up-down"> · {counts.down} down</span> : null}
            {counts.degraded > 0 ? <span className="up-degraded"> · {counts.degraded} degraded</span> : null}
            {counts.down + counts.degraded === 0 && counts.up === all.length ? <span className="up-up"> · all healthy</span> : null}
            {view.leftOut.length > 0 ? (
              <span className="muted" data-testid="overview-left-out">
                {' '}
                · not counted: {view.leftOut.join(', ')} (lost or not reporting)
              </span>
            ) : null}
          </p>
        </div>
        {isMultiNode(cluster) && cluster ? <ScopePicker cluster={cluster} testId="overview-scope" /> : null}
        <input
          type="search"
          className="input overview-filter"
          placeholder="Filter: name, address, strategy…"
          aria-label="Filter services"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <div className="table-wrap">
        <table className="table overview-table" data-testid="overview-table">
          <thead>
            <tr>
              {COLUMNS.map((column) => (
                <SortHeader key={column.key} column={column} sort={sort} onSort={(key) => setSort(nextSort(sort, key))} />
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <OverviewTableRow key={row.id} row={row} />
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? <p className="panel-body muted">No service matches “{query.trim()}”.</p> : null}
      </div>
    </section>
  );
}

function SortHeader({ column, sort, onSort }: { column: Column; sort: OverviewSort; onSort: (key: OverviewSortKey) => void }) {
  const active = sort.key === column.key;
  const ariaSort = active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <th scope="col" className={column.numeric ? 'right' : undefined} aria-sort={ariaSort} title={column.title}>
      <button type="button" className={`sort-btn${active ? ' is-active' : ''}`} onClick={() => onSort(column.key)}>
        {column.label}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

function Num({ children, warn, testId }: { children: ReactNode; warn?: boolean; testId: string }) {
  return (
    <td className={`right num live${warn ? ' warn' : ''}`} data-testid={testId}>
      {children}
    </td>
  );
}

function OverviewTableRow({ row }: { row: OverviewRow }) {
  const open = () => selectService(row.id);
  return (
    <tr className={`overview-row is-${row.health}`} data-testid={`overview-row-${row.name}`} data-health={row.health} onClick={open}>
      <td data-testid="status">
        <span className={`badge badge-${BADGE_TONE[row.health]} live`}>{HEALTH_LABEL[row.health]}</span>
      </td>
      <td data-testid="name">
        {/* The row is clickable for the pointer; this button is the keyboard's way in. */}
        <button type="button" className="overview-open" aria-label={`Open ${row.name}`} onClick={(e) => {
            e.stopPropagation();
            open();
          }}>
          {row.name}
        </button>
        <span className="overview-meta">
          <span className="mono">{row.listen}</span> · {STRATEGY_LABEL.get(row.strategy) ?? row.strategy}
        </span>
      </td>
      <Num testId="up">
        <span className={`up-${row.health}`}>
          {row.up}/{row.total}
        </span>
        {row.draining > 0 ? <span className="muted small"> · {row.draining} draining</span> : null}
      </Num>
      <Num testId="active">{formatCount(row.active)}</Num>
      <Num testId="new-per-sec">{formatRate(row.newPerSec)}</Num>
      <Num testId="throughput">{formatByteRate(row.bytesPerSec)}</Num>
      <Num testId="errors" warn={(row.connectFailures ?? 0) + (row.rejected ?? 0) > 0}>
        <span title="Failed connects to backends">{formatCount(row.connectFailures)}</span>
        <span className="muted"> · </span>
        <span title="Clients rejected">{formatCount(row.rejected)}</span>
      </Num>
    </tr>
  );
}
