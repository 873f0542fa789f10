// Response schemas of GET /api/stats and GET /api/events.
import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import type { EventDto, StatsDto } from '@fulcrum/shared/api';
import { literalUnion } from './common-schemas.ts';
import { DiscoveryStatusSchema } from './service-schemas.ts';
import { ACCEPT_REJECT_REASONS, ADMIN_STATES, AGENT_STATES, HEALTH_STATES } from '@fulcrum/shared/enums';
import type { AcceptRejectReason } from '@fulcrum/shared/enums';
import { EVENT_KINDS } from '@fulcrum/shared/event-kinds';
import { EVENT_QUERY_LIMITS } from '@fulcrum/shared/limits';
import type { EventKind } from '@fulcrum/shared/event-kinds';

const nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });

/** Why a backend is in its health state and what its checks last saw (BackendCheckDto). */
const BackendCheckSchema = Type.Object({
  reason: nullable(Type.String(), 'why the backend is in its current health state, e.g. "fall: 3 × connect refused", "rise: 2 × ok", "passive: 3 × connect reset"'),
  since: nullable(Type.Number(), 'ms since the epoch when the backend entered its current health state'),
  lastAt: nullable(Type.Number(), 'ms since the epoch when the last active probe finished (null: none yet, or passive detection only)'),
  lastOk: nullable(Type.Boolean(), 'whether the last active probe passed'),
  lastDurationMs: nullable(Type.Number(), 'how long the last active probe took, in ms'),
  lastMessage: nullable(Type.String(), 'the last failed probe\'s reason, e.g. "connect refused", "role is replica" (null after a pass)'),
  consecutiveSuccesses: Type.Integer({ description: 'consecutive passing active probes' }),
  consecutiveFailures: Type.Integer({ description: 'consecutive failing active probes' }),
  role: nullable(Type.String(), 'the role a redis/postgres role or login check last saw: primary, replica, standby or unknown'),
});

export const BackendStatsSchema = Type.Object({
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
  connectFailures: Type.Integer({ description: 'failed connection attempts since the engine started' }),
  failureRate: Type.Number({ description: 'failed connection attempts per second over the last 60 s (12 steps of 5 s)' }),
  connectTimeMs: Type.Number(),
  closedByLifetime: Type.Integer({ description: 'connections ended gracefully for outliving the service\'s maxConnectionLifetimeMs' }),
  closedByRebalance: Type.Integer({ description: 'connections ended gracefully by a rebalance of this backend' }),
  group: Type.Optional(Type.Integer({ description: 'a discovered member: the id of its discovery group' })),
  agent: Type.Union(
    [
      Type.Object({
        state: Type.Union([literalUnion(AGENT_STATES), Type.Null()]),
        weightPercent: Type.Union([Type.Integer(), Type.Null()]),
        reason: Type.Union([Type.String(), Type.Null()]),
        lastAt: Type.Union([Type.Number(), Type.Null()]),
        error: Type.Union([Type.String(), Type.Null()]),
      }),
      Type.Null(),
    ],
    { description: 'what the backend\'s agent said last (README "Agent checks"); null when no agent check applies' },
  ),
  check: Type.Union([BackendCheckSchema, Type.Null()], {
    description: 'health detail; null when the service has no health check (type none and passiveFailures 0)',
  }),
});

export const ServiceStatsSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  listen: Type.String(),
  active: Type.Integer(),
  total: Type.Integer(),
  rejected: Type.Integer(),
  rejectedByReason: Type.Object(
    Object.fromEntries(ACCEPT_REJECT_REASONS.map((r) => [r, Type.Integer()])) as Record<AcceptRejectReason, ReturnType<typeof Type.Integer>>,
    {
      description:
        'clients closed at accept, before any backend was chosen, per reason (denied: allow/deny lists; proxy-untrusted: a peer not in acceptProxyProtocol.from; proxy-invalid: a malformed or oversized PROXY header; proxy-timeout: no complete header within 3 s; perClientConnections, perClientRate, serviceRate, clientTableFull: limits, README "How much one client may take"; sni…: the TLS SNI peek of a shared address, counted on each of its services)',
    },
  ),
  queued: Type.Integer(),
  bytesIn: Type.Number(),
  bytesOut: Type.Number(),
  backends: Type.Array(BackendStatsSchema),
  discovery: Type.Optional(Type.Array(DiscoveryStatusSchema, { description: "the service's discovery groups: members and last resolution" })),
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
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: EVENT_QUERY_LIMITS.pageMax, description: 'page size (default 50)' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'only events with a smaller id: the previous page\'s nextBefore' })),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only this kind, e.g. backend-health' })),
    serviceId: Type.Optional(Type.Integer({ minimum: 1, description: 'only events of this service' })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only events by this actor (a token name, cli or engine)' })),
    since: Type.Optional(isoTime('only events at or after this time')),
    until: Type.Optional(isoTime('only events before this time')),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: EVENT_QUERY_LIMITS.searchMaxLength,
        description: 'only events whose message contains this text: case-insensitive for ASCII letters, % and _ match themselves',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EventsQuery = Static<typeof EventsQuery>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _statsAgree: Same<Static<typeof StatsSchema>, StatsDto> = true;
const _eventAgrees: Same<Static<typeof EventSchema>, EventDto> = true;
