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
import { FALLBACK_STYLE, useSeriesStyles } from '../charts/use-series-styles.ts';

/** The backends of one service with live numbers, row actions and the add form. */
export function BackendsPanel({ service }: { service: ServiceDto }) {
  const stats = useAppStore(serviceStatsById(service.id));
  const rates = useAppStore(serviceRatesById(service.id));
  const rows = useMemo(() => buildBackendRows(service, stats, rates), [service, stats, rates]);
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

  const configuredAddresses = useMemo(() => service.backends.map((b) => b.address), [service.backends]);

  return (
    <section className="panel" aria-labelledby="backends-title">
      <div className="panel-head">
        <div>
          <h2 id="backends-title">Backends</h2>
          <p>Click a weight (or a backend's agent port) to change it. Live numbers update twice a second; rates are per second.</p>
        </div>
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No backends yet">Add the first backend below; Fulcrum starts health-checking it right away.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table backends-table" data-testid="backends-table">
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Weight</th>
                <th scope="col">State</th>
                <th scope="col">Health</th>
                <th scope="col" className="right">
                  Active
                </th>
                <th scope="col" className="right col-optional">
                  Total
                </th>
                <th scope="col" className="right" title="Bytes per second: in = client → backend, out = backend → client">
                  In / out
                </th>
                <th scope="col" className="right col-optional" title="Connect latency (moving average)">
                  Latency
                </th>
                <th scope="col" className="right" title="Failed connection attempts">
                  Fails
                </th>
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
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="panel-foot">
        <AddBackendForm serviceId={service.id} existingAddresses={configuredAddresses} />
      </div>
      <RemoveBackendDialog serviceId={service.id} drainTimeoutMs={drainTimeoutMs} row={removing} onClose={closeRemove} />
    </section>
  );
}
