import { memo, useId, useState } from 'react';
import type { ReactNode } from 'react';
import type { EventDto } from '@fulcrum/shared/api';
import { formatAgo, formatClock } from '../../lib/format.ts';
import type { EventBurst } from './event-bursts.ts';
import { eventTone } from './event-tone.ts';
import { revertPlan } from './revert-plan.ts';

/** One row of an event list: a single event, or a burst (its newest event, ×N, expandable to every member). */
export const EventBurstItem = memo(function EventBurstItem({
  burst,
  names,
  onRevert,
}: {
  burst: EventBurst;
  names: ReadonlyMap<number, string>;
  /** Stable (a state setter): the rows stay memoised. */
  onRevert?: (event: EventDto) => void;
}) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const count = burst.events.length;
  const toggle =
    count > 1 ? (
      <button
        type="button"
        className="event-burst"
        aria-expanded={open}
        aria-controls={listId}
        data-testid="event-burst"
        title={open ? 'Hide the earlier events of this burst' : `${count} events of this kind for the same backend within a short time: show them all`}
        onClick={() => setOpen((o) => !o)}
      >
        ×{count}
        <span className="sr-only"> {burst.head.kind} events, {open ? 'hide' : 'show'} the earlier ones</span>
      </button>
    ) : null;
  return (
    <li className="event-row" data-testid="event-row" data-count={count}>
      <EventLine event={burst.head} names={names} extra={toggle} onRevert={onRevert} />
      {open ? (
        <ol className="event-burst-list" id={listId} aria-label={`${count - 1} earlier ${burst.head.kind} events`}>
          {burst.events.slice(1).map((event) => (
            <li key={event.id}>
              <EventLine event={event} names={names} onRevert={onRevert} />
            </li>
          ))}
        </ol>
      ) : null}
    </li>
  );
});

interface EventLineProps {
  event: EventDto;
  names: ReadonlyMap<number, string>;
  extra?: ReactNode;
  /** Offers "Revert this change" on revertible audit events (revert-plan.ts). */
  onRevert?: ((event: EventDto) => void) | undefined;
}

function EventLine({ event, names, extra, onRevert }: EventLineProps) {
  const serviceName = event.serviceId != null ? names.get(event.serviceId) : undefined;
  // Offered while the service exists; the API still has the last word (a backend may be gone).
  const revertible = onRevert !== undefined && serviceName !== undefined && revertPlan(event)?.ok === true;
  return (
    <div className="event" data-testid="event" data-kind={event.kind} data-id={event.id}>
      <time className="event-time num" dateTime={event.time} title={`${new Date(event.time).toLocaleString()} (${formatAgo(event.time)})`}>
        {formatClock(event.time)}
      </time>
      <span className={`event-kind tone-${eventTone(event.kind, event.details)}`} data-testid="event-kind">
        {event.kind}
      </span>
      <span className="event-message">
        {serviceName ? <span className="event-service">{serviceName}</span> : null}
        <span data-testid="event-message">{event.message}</span>
        {extra}
        {revertible ? (
          <button type="button" className="btn btn-sm event-revert" data-testid="event-revert" onClick={() => onRevert(event)}>
            Revert…<span className="sr-only"> this change</span>
          </button>
        ) : null}
      </span>
      <span className="event-actor" data-testid="event-actor" title="Actor">
        {event.actor}
      </span>
    </div>
  );
}
