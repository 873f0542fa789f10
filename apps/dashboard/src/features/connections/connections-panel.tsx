// The live connection list of the selected service (README "Connections"): who is connected to
// which backend, for how long, bytes each way and state; close one, or all on one backend.
// Polled every 2 s while the page is visible (the list is per request, not part of the live feed).
import { useCallback, useEffect, useState } from 'react';
import type { ServiceDto } from '@fulcrum/shared/api';
import { CONNECTION_LIST_LIMITS, type ConnectionDto, type ConnectionState } from '@fulcrum/shared/connections';
import { Badge, type BadgeTone } from '../../components/badge.tsx';
import { ConfirmDialog } from '../../components/dialog.tsx';
import { errorMessage } from '../../lib/api-client.ts';
import { formatBytes, formatDuration } from '../../lib/format.ts';
import { showToast } from '../../store/actions.ts';
import { FIRST_PAGE, currentAfter, nextPage, pageNumber, previousPage, type PageCursor } from './connection-paging.ts';
import { closeBackendConnections, closeConnection, fetchConnections } from './connections-api.ts';

const POLL_MS = 2000;

const STATE_TONE: Record<ConnectionState, BadgeTone> = {
  queued: 'unknown',
  connecting: 'unknown',
  established: 'up',
  'half-closed': 'plain',
  draining: 'draining',
};

interface Page {
  rows: ConnectionDto[];
  next: number | null;
  error: string | null;
  loaded: boolean;
}

/** The connections panel of one service. */
export function ConnectionsPanel({ service }: { service: ServiceDto }) {
  const [backendId, setBackendId] = useState<number | null>(null);
  const [cursor, setCursor] = useState<PageCursor>(FIRST_PAGE);
  const [page, setPage] = useState<Page>({ rows: [], next: null, error: null, loaded: false });
  const [refreshes, setRefreshes] = useState(0);
  const [closing, setClosing] = useState<ReadonlySet<number>>(new Set());
  const [confirmAll, setConfirmAll] = useState(false);
  const [closingAll, setClosingAll] = useState(false);
  const [allError, setAllError] = useState<string | null>(null);
  const after = currentAfter(cursor);
  const refresh = useCallback(() => setRefreshes((n) => n + 1), []);

  // A new service or filter starts on the first page.
  useEffect(() => {
    setCursor(FIRST_PAGE);
  }, [service.id, backendId]);
  useEffect(() => {
    setBackendId(null);
  }, [service.id]);

  useEffect(() => {
    const abort = new AbortController();
    const load = () => {
      if (document.visibilityState === 'hidden') return;
      fetchConnections(service.id, { backendId, after, limit: CONNECTION_LIST_LIMITS.pageDefault }, abort.signal).then(
        (p) => setPage({ rows: p.connections, next: p.next, error: null, loaded: true }),
        (err: unknown) => {
          if (!abort.signal.aborted) setPage((old) => ({ ...old, error: errorMessage(err), loaded: true }));
        },
      );
    };
    load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [service.id, backendId, after, refreshes]);

  async function closeOne(row: ConnectionDto) {
    setClosing((s) => new Set(s).add(row.id));
    try {
      await closeConnection(service.id, row.id);
      showToast('info', `Connection from ${row.client} closed.`);
    } catch (err) {
      showToast('error', `Could not close the connection from ${row.client}: ${errorMessage(err)}`);
    } finally {
      setClosing((s) => {
        const next = new Set(s);
        next.delete(row.id);
        return next;
      });
      refresh();
    }
  }

  const backend = service.backends.find((b) => b.id === backendId) ?? null;
  // Stable callbacks: the memoised dialog then holds still while the list refreshes behind it.
  const closeAll = useCallback(async () => {
    if (backend === null) return;
    setClosingAll(true);
    setAllError(null);
    try {
      const { closed } = await closeBackendConnections(service.id, backend.id);
      showToast('info', `${closed} connection${closed === 1 ? '' : 's'} of ${backend.address} closed.`);
      setConfirmAll(false);
      refresh();
    } catch (err) {
      setAllError(errorMessage(err));
    } finally {
      setClosingAll(false);
    }
  }, [service.id, backend, refresh]);
  const confirmCloseAll = useCallback(() => void closeAll(), [closeAll]);
  const cancelCloseAll = useCallback(() => {
    setAllError(null);
    setConfirmAll(false);
  }, []);

  return (
    <section className="panel connections" aria-labelledby="connections-title" data-testid="connections-panel">
      <div className="panel-head connections-head">
        <div>
          <h2 id="connections-title">Connections</h2>
          <p>Every client connection on this node, oldest first (by id); refreshed every 2 s. In = client → backend, out = backend → client.</p>
        </div>
        <div className="connections-tools">
          <label className="field">
            <span className="field-label">Backend</span>
            <select className="select" value={backendId ?? ''} data-testid="connections-backend" onChange={(e) => setBackendId(e.target.value === '' ? null : Number(e.target.value))}>
              <option value="">every backend</option>
              {service.backends.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.address}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn btn-sm" onClick={refresh} data-testid="connections-refresh">
            Refresh
          </button>
          <button
            type="button"
            className="btn btn-sm btn-danger"
            disabled={backend === null}
            title={backend === null ? 'Choose a backend first' : undefined}
            onClick={() => setConfirmAll(true)}
            data-testid="connections-close-all"
          >
            Close all on this backend
          </button>
        </div>
      </div>
      {page.error ? (
        <p className="panel-body field-error" role="alert">
          {page.error}
        </p>
      ) : null}
      {page.loaded && page.rows.length === 0 && !page.error ? (
        <p className="panel-body muted" data-testid="connections-empty">
          No open connections{backend ? ` on ${backend.address}` : ''}{pageNumber(cursor) > 1 ? ' on this page' : ''}.
        </p>
      ) : null}
      {page.rows.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Connections table">
          <table className="table connections-table" data-testid="connections-table">
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Backend</th>
                <th scope="col">State</th>
                <th scope="col" className="right">Age</th>
                <th scope="col" className="right">In</th>
                <th scope="col" className="right">Out</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <tr key={row.id} data-testid="connection-row" data-client={row.client} data-connection-id={row.id}>
                  <td className="mono">{row.client}</td>
                  <td className="mono">{row.backend ?? '—'}</td>
                  <td>
                    <Badge tone={STATE_TONE[row.state]}>{row.state}</Badge>
                  </td>
                  <td className="right">{formatDuration(row.ageMs)}</td>
                  <td className="right">{formatBytes(row.bytesIn)}</td>
                  <td className="right">{formatBytes(row.bytesOut)}</td>
                  <td className="right">
                    <button
                      type="button"
                      className="btn btn-sm btn-danger-text"
                      disabled={closing.has(row.id)}
                      aria-label={`Close the connection from ${row.client}`}
                      onClick={() => void closeOne(row)}
                    >
                      Close
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {pageNumber(cursor) > 1 || page.next !== null ? (
        <div className="panel-foot connections-pager">
          <button type="button" className="btn btn-sm" disabled={pageNumber(cursor) === 1} onClick={() => setCursor(previousPage)}>
            Previous page
          </button>
          <span className="muted small">Page {pageNumber(cursor)}</span>
          <button type="button" className="btn btn-sm" disabled={page.next === null} onClick={() => page.next !== null && setCursor((c) => nextPage(c, page.next as number))} data-testid="connections-next">
            Next page
          </button>
        </div>
      ) : null}
      <ConfirmDialog
        open={confirmAll}
        title={backend ? `Close all connections on ${backend.address}?` : 'Close all connections?'}
        confirmLabel="Close all"
        busy={closingAll}
        error={allError}
        onConfirm={confirmCloseAll}
        onCancel={cancelCloseAll}
      >
        <p>
          Every client connected through <span className="mono">{backend?.address}</span> on this node is disconnected now, without waiting for
          replies in flight. The backend keeps taking new connections; drain it instead to let clients finish.
        </p>
      </ConfirmDialog>
    </section>
  );
}
