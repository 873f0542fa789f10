import { useCallback, useMemo, useState } from 'react';
import type { AdminState, AgentCheckDto, ServiceDto } from '@fulcrum/shared/api';
import { EmptyState } from '../../components/empty-state.tsx';
import { errorMessage } from '../../lib/api-client.ts';
import { drainOutcome } from '../../lib/drain-text.ts';
import { backendChanged, showToast } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { serviceRatesById, serviceStatsById } from '../../store/selectors.ts';
import { AddBackendForm } from './add-backend-form.tsx';
import { BackendTableRow } from './backend-row.tsx';
import { buildBackendRows, type BackendRow } from './backend-rows.ts';
import { updateBackend } from './backends-api.ts';
import { RemoveBackendDialog } from './remove-backend-dialog.tsx';
import { RebalanceBackendDialog } from './rebalance-backend-dialog.tsx';
import { FALLBACK_STYLE, useSeriesStyles } from '../charts/use-series-styles.ts';
import { SortHeader } from '../../components/sort-header.tsx';
import { filterBackendRows, nextBackendSort, sortBackendRows, type BackendSort, type BackendSortKey } from './backend-table-view.ts';

interface Column {
  key: BackendSortKey;
  label: string;
  className?: string;
  title?: string;
}

const COLUMNS: Column[] = [
  { key: 'address', label: 'Address', className: 'address-head' },
  { key: 'weight', label: 'Weight' },
  { key: 'state', label: 'State' },
  { key: 'health', label: 'Health', title: 'What the checks say; a down backend says why and since when' },
  { key: 'active', label: 'Active', className: 'right' },
  { key: 'total', label: 'Total', className: 'right col-optional' },
  { key: 'throughput', label: 'In / out', className: 'right', title: 'Bytes per second: in = client → backend, out = backend → client' },
  { key: 'latency', label: 'Latency', className: 'right col-optional', title: 'Connect latency (moving average); — while down' },
  { key: 'fails', label: 'Fails', className: 'right', title: 'Failed connection attempts over the last minute' },
];
/** Data columns plus the actions column: what a detail row spans. */
const COLUMN_COUNT = COLUMNS.length + 1;

/** The backends of one service with live numbers, row actions and the add form. */
export function BackendsPanel({ service }: { service: ServiceDto }) {
  const stats = useAppStore(serviceStatsById(service.id));
  const rates = useAppStore(serviceRatesById(service.id));
  const all = useMemo(() => buildBackendRows(service, stats, rates), [service, stats, rates]);
  const [sort, setSort] = useState<BackendSort | null>(null);
  const [query, setQuery] = useState('');
  const rows = useMemo(() => sortBackendRows(filterBackendRows(all, query), sort), [all, query, sort]);
  const [expandedIds, setExpandedIds] = useState<ReadonlySet<number>>(new Set());
  const onToggle = useCallback((id: number) => {
    setExpandedIds((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);
  const onSort = useCallback((key: BackendSortKey) => setSort((current) => nextBackendSort(current, key)), []);
  // Relative times ("since 2 m ago") count from the sample they came with, so they move with it.
  const sampleTime = useAppStore((s) => s.latest?.time ?? null);
  const now = sampleTime ?? Date.now();
  const styles = useSeriesStyles(service.id);
  const drainTimeoutMs = service.drainTimeoutMs;
  const [busyIds, setBusyIds] = useState<ReadonlySet<number>>(new Set());
  const [removing, setRemoving] = useState<BackendRow | null>(null);
  const closeRemove = useCallback(() => setRemoving(null), []);

  const withBusy = useCallback(async (id: number, work: () => Promise<void>) => {
    setBusyIds((s) => new Set(s).add(id));
    try {
      await work();
    } finally {
      setBusyIds((s) => {
        const next = new Set(s);
        next.delete(id);
        return next;
      });
    }
  }, []);

  const onSetState = useCallback(
    (row: BackendRow, state: AdminState) => {
      void withBusy(row.id, async () => {
        try {
          await backendChanged(() => updateBackend(service.id, row.id, { state }));
          showToast('info', state === 'draining' ? `${row.address} is now draining. ${drainOutcome(drainTimeoutMs)}` : `${row.address} is now ${state}.`);
        } catch (error) {
          showToast('error', `Could not change ${row.address}: ${errorMessage(error)}`);
        }
      });
    },
    [service.id, drainTimeoutMs, withBusy],
  );

  const onSetWeight = useCallback(
    async (row: BackendRow, weight: number) => {
      // Errors propagate to the weight editor, which shows them next to the input.
      await backendChanged(() => updateBackend(service.id, row.id, { weight }));
    },
    [service.id],
  );

  const onSetAgentCheck = useCallback(
    async (row: BackendRow, agentCheck: AgentCheckDto | null) => {
      // Errors propagate to the agent editor, which shows them next to the input.
      await backendChanged(() => updateBackend(service.id, row.id, { agentCheck }));
    },
    [service.id],
  );

  const onRemove = useCallback((row: BackendRow) => setRemoving(row), []);
  const [rebalancing, setRebalancing] = useState<BackendRow | null>(null);
  const onRebalance = useCallback((row: BackendRow) => setRebalancing(row), []);
  const closeRebalance = useCallback(() => setRebalancing(null), []);

  const configuredAddresses = useMemo(() => service.backends.map((b) => b.address), [service.backends]);

  return (
    <section className="panel" aria-labelledby="backends-title">
      <div className="panel-head backends-head">
        <div>
          <h2 id="backends-title">Backends</h2>
          <p>Click a weight (or a backend's agent port) to change it, ▸ for a backend's health detail. Live numbers update twice a second; rates are per second.</p>
        </div>
        {all.length > 0 ? (
          <input
            type="search"
            className="input backends-filter"
            placeholder="Filter: address, state, health…"
            aria-label="Filter backends"
            data-testid="backends-filter"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        ) : null}
      </div>
      {all.length === 0 ? (
        <EmptyState title="No backends yet">Add the first backend below; Fulcrum starts health-checking it right away.</EmptyState>
      ) : (
        <div className="table-wrap backends-table-wrap">
          <table className="table backends-table" data-testid="backends-table">
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <SortHeader
                    key={column.key}
                    sortKey={column.key}
                    label={column.label}
                    title={column.title}
                    className={column.className}
                    active={sort?.key === column.key}
                    direction={sort?.direction ?? 'asc'}
                    onSort={onSort}
                  />
                ))}
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <BackendTableRow
                  key={row.id}
                  row={row}
                  swatch={styles.get(row.id) ?? FALLBACK_STYLE}
                  busy={busyIds.has(row.id)}
                  drainTimeoutMs={drainTimeoutMs}
                  onSetState={onSetState}
                  onSetWeight={onSetWeight}
                  serviceAgentCheck={service.agentCheck}
                  onSetAgentCheck={onSetAgentCheck}
                  onRemove={onRemove}
                  onRebalance={onRebalance}
                  expanded={expandedIds.has(row.id)}
                  onToggle={onToggle}
                  now={now}
                  columns={COLUMN_COUNT}
                />
              ))}
            </tbody>
          </table>
          {rows.length === 0 ? <p className="panel-body muted">No backend matches “{query.trim()}”.</p> : null}
        </div>
      )}
      <div className="panel-foot">
        <AddBackendForm serviceId={service.id} existingAddresses={configuredAddresses} strategy={service.strategy} existing={service.backends} />
      </div>
      <RemoveBackendDialog serviceId={service.id} drainTimeoutMs={drainTimeoutMs} row={removing} onClose={closeRemove} />
      <RebalanceBackendDialog serviceId={service.id} row={rebalancing} onClose={closeRebalance} />
    </section>
  );
}
