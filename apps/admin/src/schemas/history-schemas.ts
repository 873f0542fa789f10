// Request and response schemas of GET /api/services/:id/history.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { HISTORY_RANGES } from '@fulcrum/shared/history';
import { EVENT_KINDS } from '@fulcrum/shared/event-kinds';
import type { EventKind } from '@fulcrum/shared/event-kinds';
import { literalUnion } from './common-schemas.ts';

/** GET /api/services/:id/history query. */
export const HistoryQuery = Type.Object(
  {
    range: Type.Unsafe<(typeof HISTORY_RANGES)[number]>({
      ...literalUnion(HISTORY_RANGES),
      description: `how far back: ${HISTORY_RANGES.join(', ')}`,
      errorMessage: `must be one of ${HISTORY_RANGES.join(', ')}`,
    }),
    node: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 253,
        description: "a cluster node's name (GET /api/cluster): answer that node's history, fetched from its admin; absent: this node's",
      }),
    ),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

const values = (description: string) => Type.Array(Type.Union([Type.Number(), Type.Null()]), { description });

const seriesFields = {
  active: values('mean open connections'),
  newPerSec: values('new connections per second'),
  bytesInPerSec: values('bytes per second from clients'),
  bytesOutPerSec: values('bytes per second to clients'),
  rejectedPerSec: values('clients rejected per second (no backend could take them; 0 for a backend)'),
  connectFailuresPerSec: values('failed backend connects per second'),
  up: values('mean backends up (a backend: share of the slot it was up, 0..1)'),
  down: values('mean backends down (a backend: share of the slot it was down, 0..1)'),
};

export const HistorySchema = Type.Object({
  serviceId: Type.Integer(),
  range: literalUnion(HISTORY_RANGES),
  stepMs: Type.Integer({ description: 'slot length, ms' }),
  times: Type.Array(Type.Number(), { description: 'start of each slot, ms since the epoch, oldest first; every series has one value per slot, null where the admin was not running' }),
  service: Type.Object(seriesFields),
  backends: Type.Array(
    Type.Object({
      id: Type.Integer(),
      address: Type.Union([Type.String(), Type.Null()], { description: 'current address; null for a backend removed since' }),
      ...seriesFields,
    }),
  ),
  marks: Type.Array(
    Type.Object({
      id: Type.Integer({ description: 'the event id (GET /api/events)' }),
      time: Type.String(),
      kind: Type.Unsafe<EventKind>(Type.String({ description: `one of ${EVENT_KINDS.join(', ')}` })),
      backendId: Type.Union([Type.Integer(), Type.Null()]),
      message: Type.String(),
      health: Type.Union([Type.String(), Type.Null()], { description: 'for backend-health: the state it went to (up, down, unknown)' }),
    }),
    { description: 'config changes and health transitions in the range, oldest first (the newest 500)' },
  ),
});
