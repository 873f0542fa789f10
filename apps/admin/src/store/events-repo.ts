// Repository of the events table (the audit log and engine events).
import type { Database } from 'better-sqlite3';
import type { EventDto } from '@fulcrum/shared/api';

/** An event to record; `time` defaults to now. */
export interface NewEvent {
  time?: Date;
  kind: string;
  actor: string;
  serviceId?: number | null;
  backendId?: number | null;
  message: string;
  details?: Record<string, unknown>;
}

export interface EventQuery {
  limit: number;
  /** Only events with an id below this one (paging backwards). */
  before?: number;
  kind?: string;
  serviceId?: number;
}

interface EventRow {
  id: number;
  time: string;
  kind: string;
  actor: string;
  service_id: number | null;
  backend_id: number | null;
  message: string;
  details: string;
}

function toDto(row: EventRow): EventDto {
  return {
    id: row.id,
    time: row.time,
    kind: row.kind,
    actor: row.actor,
    serviceId: row.service_id,
    backendId: row.backend_id,
    message: row.message,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

/** How many events the log keeps; older ones are pruned so a flapping backend cannot fill the disk. */
export const EVENTS_KEPT = 100_000;
const PRUNE_EVERY = 1000;

export type EventsRepo = ReturnType<typeof createEventsRepo>;

/** Builds the events repository over `db`. */
export function createEventsRepo(db: Database, keep = EVENTS_KEPT) {
  const insert = db.prepare(`
    INSERT INTO events (time, kind, actor, service_id, backend_id, message, details)
    VALUES (@time, @kind, @actor, @service_id, @backend_id, @message, @details)`);
  const query = db.prepare<Record<string, unknown>, EventRow>(`
    SELECT * FROM events
    WHERE (@before IS NULL OR id < @before)
      AND (@kind IS NULL OR kind = @kind)
      AND (@service_id IS NULL OR service_id = @service_id)
    ORDER BY id DESC
    LIMIT @limit`);
  const prune = db.prepare<[number]>('DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - ?');
  let sincePrune = 0;

  return {
    /** Records an event and returns it as stored. */
    insert(event: NewEvent): EventDto {
      const row = {
        time: (event.time ?? new Date()).toISOString(),
        kind: event.kind,
        actor: event.actor,
        service_id: event.serviceId ?? null,
        backend_id: event.backendId ?? null,
        message: event.message,
        details: JSON.stringify(event.details ?? {}),
      };
      const id = Number(insert.run(row).lastInsertRowid);
      if (++sincePrune >= PRUNE_EVERY) {
        sincePrune = 0;
        prune.run(keep);
      }
      return toDto({ ...row, id });
    },
    /** Newest first. */
    list(q: EventQuery): EventDto[] {
      return query
        .all({ before: q.before ?? null, kind: q.kind ?? null, service_id: q.serviceId ?? null, limit: q.limit })
        .map(toDto);
    },
  };
}
