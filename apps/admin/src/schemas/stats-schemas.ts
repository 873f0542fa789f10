// Response schemas of GET /api/stats and GET /api/events.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { EventDto, StatsDto } from '@fulcrum/shared/api';
import { literalUnion } from './common-schemas.ts';
import { ADMIN_STATES } from './service-schemas.ts';

const BackendStatsSchema = Type.Object({
  id: Type.Integer(),
  address: Type.String(),
  state: literalUnion(ADMIN_STATES),
  health: literalUnion(['unknown', 'up', 'down'] as const),
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
  queued: Type.Integer(),
  bytesIn: Type.Number(),
  bytesOut: Type.Number(),
  backends: Type.Array(BackendStatsSchema),
});

export const StatsSchema = Type.Object({ time: Type.Number(), services: Type.Array(ServiceStatsSchema) });

export const EventSchema = Type.Object({
  id: Type.Integer(),
  time: Type.String(),
  kind: Type.String(),
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

/** GET /api/events query. */
export const EventsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    serviceId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type EventsQuery = Static<typeof EventsQuery>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _statsAgree: Same<Static<typeof StatsSchema>, StatsDto> = true;
const _eventAgrees: Same<Static<typeof EventSchema>, EventDto> = true;
