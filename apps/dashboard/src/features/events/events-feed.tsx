import { memo, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EventDto } from '@fulcrum/shared/api';
import { EmptyState } from '../../components/empty-state.tsx';
import { errorMessage } from '../../lib/api-client.ts';
import { formatAgo, formatClock } from '../../lib/format.ts';
import { useAppStore } from '../../store/app-store.ts';
import { eventTone } from './event-tone.ts';
import { loadOlderEvents } from './events-actions.ts';

/** The event log, newest first: page load plus live pushes. */
export function EventsFeed({ serviceId }: { serviceId: number | null }) {
  const { events, nextBefore, loaded, services } = useAppStore(
    useShallow((s) => ({ events: s.events, nextBefore: s.eventsNextBefore, loaded: s.eventsLoaded, services: s.services })),
  );
  const [onlyThis, setOnlyThis] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const names = useMemo(() => new Map(services.map((s) => [s.id, s.name])), [services]);
  const shown = useMemo(() => (onlyThis && serviceId != null ? events.filter((e) => e.serviceId === serviceId) : events), [events, onlyThis, serviceId]);

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
        <label className="checkbox small">
          <input type="checkbox" checked={onlyThis} onChange={(e) => setOnlyThis(e.target.checked)} disabled={serviceId == null} />
          This service only
        </label>
      </div>
      {!loaded && events.length === 0 ? (
        <p className="muted panel-body">Loading events…</p>
      ) : shown.length === 0 ? (
        <EmptyState title="No events yet">Changes and health transitions show up here as they happen.</EmptyState>
      ) : (
        <ol className="event-list" data-testid="events-feed" aria-label="Events, newest first">
          {shown.map((event) => (
            <EventItem key={event.id} event={event} serviceName={event.serviceId != null ? names.get(event.serviceId) : undefined} />
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
    </section>
  );
}

const EventItem = memo(function EventItem({ event, serviceName }: { event: EventDto; serviceName: string | undefined }) {
  return (
    <li className="event" data-testid="event" data-kind={event.kind}>
      <time className="event-time num" dateTime={event.time} title={`${new Date(event.time).toLocaleString()} (${formatAgo(event.time)})`}>
        {formatClock(event.time)}
      </time>
      <span className={`event-kind tone-${eventTone(event.kind, event.details)}`} data-testid="event-kind">
        {event.kind}
      </span>
      <span className="event-message" data-testid="event-message">
        {serviceName ? <span className="event-service">{serviceName}</span> : null}
        {event.message}
      </span>
      <span className="event-actor" data-testid="event-actor" title="Actor">
        {event.actor}
      </span>
    </li>
  );
});
