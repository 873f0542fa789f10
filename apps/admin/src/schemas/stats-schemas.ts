// Response schemas of GET /api/stats and GET /api/events.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { EventDto, StatsDto } from '@fulcrum/shared/api';
import { literalUnion } from './common-schemas.ts';
import { ACCEPT_REJECT_REASONS, ADMIN_STATES, HEALTH_STATES } from '@fulcrum/shared/enums';
import type { AcceptRejectReason } from '@fulcrum/shared/enums';
import { EVENT_KINDS } from '@fulcrum/shared/event-kinds';
import type { EventKind } from '@fulcrum/shared/event-kinds';

const BackendStatsSchema = Type.Object({
  id: Type.Integer(),
  address: Type.String(),
  state: literalUnion(ADMIN_STATES),
  health: literalUnion(HEALTH_STATES),
  removed: Type.Boolean(),
  weight: Type.Number(),
  effectiveWeight: Type.Number(),
  active: Type.Integer(),
  total: Type.Integer(),
  bytesIn: Type.Number(),
  bytesOut: Type.Number(),
  connectFailures: Type.Integer(),
  connectTimeMs: Type.Number(),
});

const ServiceStatsSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  listen: Type.String(),
  active: Type.Integer(),
  total: Type.Integer(),
  rejected: Type.Integer(),
  rejectedByReason: Type.Object(
    Object.fromEntries(ACCEPT_REJECT_REASONS.map((r) => [r, Type.Integer()])) as Record<AcceptRejectReason, ReturnType<typeof Type.Integer>>,
    { description: 'clients closed at accept, before any backend was chosen, per reason (denied: allow/deny lists)' },
  ),
  queued: Type.Integer(),
  bytesIn: Type.Number(),
  bytesOut: Type.Number(),
  backends: Type.Array(BackendStatsSchema),
});

export const StatsSchema = Type.Object({ time: Type.Number(), services: Type.Array(ServiceStatsSchema) });

export const EventSchema = Type.Object({
  id: Type.Integer(),
  time: Type.String(),
  // Typed as the union, serialized as plain text: a row from another version never breaks a page.
  kind: Type.Unsafe<EventKind>(Type.String({ description: `one of ${EVENT_KINDS.join(', ')}` })),
  actor: Type.String(),
  serviceId: Type.Union([Type.Integer(), Type.Null()]),
  backendId: Type.Union([Type.Integer(), Type.Null()]),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const EventsPage = Type.Object({
  events: Type.Array(EventSchema),
  nextBefore: Type.Union([Type.Integer(), Type.Null()]),
});

/** An ISO 8601 date (`2025-01-31`, UTC midnight) or date-time with a zone (`…T10:00:00Z`, `…+02:00`). */
const isoTime = (description: string) =>
  Type.String({
    description,
    maxLength: 40,
    pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$',
    errorMessage: 'must be an ISO 8601 date or date-time with a zone, e.g. 2025-01-31 or 2025-01-31T10:00:00Z',
  });

/** GET /api/events query. */
export const EventsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'page size (default 50)' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'only events with a smaller id: the previous page\'s nextBefore' })),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only this kind, e.g. backend-health' })),
    serviceId: Type.Optional(Type.Integer({ minimum: 1, description: 'only events of this service' })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only events by this actor (a token name, cli or engine)' })),
    since: Type.Optional(isoTime('only events at or after this time')),
    until: Type.Optional(isoTime('only events before this time')),
  },
  { additionalProperties: false },
);
export type EventsQuery = Static<typeof EventsQuery>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _statsAgree: Same<Static<typeof StatsSchema>, StatsDto> = true;
const _eventAgrees: Same<Static<typeof EventSchema>, EventDto> = true;
