// Repository of the events table (the audit log and engine events).
import type { Database } from 'better-sqlite3';
import type { EventDto } from '@fulcrum/shared/api';
import type { EventKind } from '@fulcrum/shared/event-kinds';

/** An event to record; `time` defaults to now. The admin records only EventKinds (config-service.ts); the table itself takes any kind. */
export interface NewEvent {
  time?: Date;
  kind: string;
  actor: string;
  serviceId?: number | null;
  backendId?: number | null;
  message: string;
  details?: Record<string, unknown>;
  /** The node it happened on, when several share one store (null: this node, or a single node). */
  node?: string | null;
}

export interface EventQuery {
  limit: number;
  /** Only events with an id below this one (paging backwards). */
  before?: number;
  kind?: string;
  serviceId?: number;
  actor?: string;
  /** Only events at or after this time (ISO 8601, UTC). */
  since?: string;
  /** Only events before this time (ISO 8601, UTC). */
  until?: string;
  /** Only events whose message contains this text (ASCII case-insensitive; % and _ match themselves). */
  q?: string;
}

/** `text` as a LIKE pattern matching it anywhere, its wildcards escaped (with ESCAPE '\\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** How much of the event log is kept: at most `maxEvents` events, none older than `maxDays`. */
export interface EventRetention {
  maxEvents: number;
  maxDays: number;
}

/** An events row as stored (both databases have these columns). */
export interface EventRow {
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
    // Written only through KnownEvent (or by an older fulcrum, whose kinds are a subset).
    kind: row.kind as EventKind,
    actor: row.actor,
    serviceId: row.service_id,
    backendId: row.backend_id,
    message: row.message,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

/** Default retention: a flapping backend cannot fill the disk, and a month of history stays. */
export const EVENT_RETENTION_DEFAULTS: EventRetention = { maxEvents: 100_000, maxDays: 30 };
/** Inserts between two prunes: pruning is a batch job, not a per-insert cost. */
const PRUNE_EVERY = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type EventsRepo = ReturnType<typeof createEventsRepo>;

/** Builds the events repository over `db`. */
export function createEventsRepo(db: Database, retention: Partial<EventRetention> = {}) {
  let keep: EventRetention = { ...EVENT_RETENTION_DEFAULTS, ...retention };
  const insert = db.prepare(`
    INSERT INTO events (time, kind, actor, service_id, backend_id, message, details, node)
    VALUES (@time, @kind, @actor, @service_id, @backend_id, @message, @details, @node)`);
  const query = db.prepare<Record<string, unknown>, EventRow>(`
    SELECT * FROM events
    WHERE (@before IS NULL OR id < @before)
      AND (@kind IS NULL OR kind = @kind)
      AND (@service_id IS NULL OR service_id = @service_id)
      AND (@actor IS NULL OR actor = @actor)
      AND (@since IS NULL OR time >= @since)
      AND (@until IS NULL OR time < @until)
      AND (@q IS NULL OR message LIKE @q ESCAPE '\\')
    ORDER BY id DESC
    LIMIT @limit`);
  // Newest first; config-replaced has no service but changes every service.
  const marks = db.prepare<Record<string, unknown>, EventRow>(`
    SELECT * FROM events
    WHERE time >= @since AND time < @until
      AND kind IN (SELECT value FROM json_each(@kinds))
      AND (service_id = @service_id OR (service_id IS NULL AND kind = 'config-replaced'))
    ORDER BY id DESC
    LIMIT @limit`);
  const pruneCount = db.prepare<[number]>('DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - ?');
  // Times are ISO 8601 in UTC (toISOString), so text order is time order.
  const pruneAge = db.prepare<[string]>('DELETE FROM events WHERE time < ?');
  let sincePrune = 0;

  /** Deletes what the retention no longer covers; returns how many events went. */
  const prune = (now = Date.now()): number =>
    pruneCount.run(keep.maxEvents).changes + pruneAge.run(new Date(now - keep.maxDays * DAY_MS).toISOString()).changes;

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
      const id = Number(insert.run({ ...row, node: event.node ?? null }).lastInsertRowid);
      if (++sincePrune >= PRUNE_EVERY) {
        sincePrune = 0;
        prune();
      }
      return toDto({ ...row, id });
    },
    /** Newest first. */
    list(q: EventQuery): EventDto[] {
      return query
        .all({
          before: q.before ?? null,
          kind: q.kind ?? null,
          service_id: q.serviceId ?? null,
          actor: q.actor ?? null,
          since: q.since ?? null,
          until: q.until ?? null,
          q: q.q === undefined ? null : containsPattern(q.q),
          limit: q.limit,
        })
        .map(toDto);
    },
    /** Events of `kinds` about service `serviceId` (or the whole configuration) in [since, until), newest first. */
    marks(serviceId: number, kinds: readonly string[], since: string, until: string, limit: number): EventDto[] {
      return marks.all({ service_id: serviceId, kinds: JSON.stringify(kinds), since, until, limit }).map(toDto);
    },
    prune,
    get retention(): EventRetention {
      return { ...keep };
    },
    /** Changes the retention; takes effect at the next prune. */
    setRetention(next: Partial<EventRetention>): void {
      keep = { ...keep, ...next };
    },
  };
}
