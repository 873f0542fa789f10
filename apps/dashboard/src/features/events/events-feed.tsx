import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { EmptyState } from '../../components/empty-state.tsx';
import { errorMessage } from '../../lib/api-client.ts';
import { showView } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { collapseBursts } from './event-bursts.ts';
import { EventBurstItem } from './event-item.tsx';
import { useRevertDialog } from './revert-dialog.tsx';
import { loadOlderEvents } from './events-actions.ts';

/** The recent event log under the overview and a service, newest first, bursts collapsed: page load plus live pushes. */
export function EventsFeed({ serviceId }: { serviceId: number | null }) {
  const { events, nextBefore, loaded, services } = useAppStore(
    useShallow((s) => ({ events: s.events, nextBefore: s.eventsNextBefore, loaded: s.eventsLoaded, services: s.services })),
  );
  const [onlyThis, setOnlyThis] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const names = useMemo(() => new Map(services.map((s) => [s.id, s.name])), [services]);
  const [onRevert, revertDialog] = useRevertDialog(names);
  const shown = useMemo(() => (onlyThis && serviceId != null ? events.filter((e) => e.serviceId === serviceId) : events), [events, onlyThis, serviceId]);
  const bursts = useMemo(() => collapseBursts(shown), [shown]);

  async function older() {
    setLoadingOlder(true);
    setError(null);
    try {
      await loadOlderEvents();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoadingOlder(false);
    }
  }

  return (
    <section className="panel events" aria-labelledby="events-title">
      <div className="panel-head">
        <div>
          <h2 id="events-title">Events</h2>
          <p>Health transitions, drains and every config change (audit log).</p>
        </div>
        <div className="events-head-actions">
          <label className="checkbox small">
            <input type="checkbox" checked={onlyThis} onChange={(e) => setOnlyThis(e.target.checked)} disabled={serviceId == null} />
            This service only
          </label>
          <button type="button" className="btn btn-sm" data-testid="events-view-link" onClick={() => showView('events')}>
            Search and export…
          </button>
        </div>
      </div>
      {!loaded && events.length === 0 ? (
        <p className="muted panel-body">Loading events…</p>
      ) : shown.length === 0 ? (
        <EmptyState title="No events yet">Changes and health transitions show up here as they happen.</EmptyState>
      ) : (
        // Focusable: a keyboard user can scroll the list (axe: scrollable-region-focusable).
        <ol className="event-list" data-testid="events-feed" aria-label="Events, newest first" tabIndex={0}>
          {bursts.map((burst) => (
            <EventBurstItem key={burst.events.at(-1)!.id} burst={burst} names={names} onRevert={onRevert} />
          ))}
        </ol>
      )}
      {nextBefore != null && !onlyThis ? (
        <div className="panel-foot events-foot">
          <button type="button" className="btn btn-sm" onClick={() => void older()} disabled={loadingOlder}>
            {loadingOlder ? 'Loading…' : 'Load older events'}
          </button>
          {error ? <span className="field-error">{error}</span> : null}
        </div>
      ) : null}
      {revertDialog}
    </section>
  );
}
