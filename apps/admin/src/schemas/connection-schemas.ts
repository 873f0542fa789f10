// Schemas of the connection list routes (README "Connections"): the page query, the rows, the answers.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { CONNECTION_LIST_LIMITS, CONNECTION_STATES } from '@fulcrum/shared/connections';
import type { ConnectionPageDto, ConnectionsClosedDto } from '@fulcrum/shared/connections';
import { DbId, literalUnion } from './common-schemas.ts';

/** A connection id in a URL or a cursor: canonical decimal text, like every other id. */
const ConnectionId = Type.Integer({ ...DbId, description: 'a connection id from the list' });

export const ConnectionParams = Type.Object({ id: DbId, connectionId: ConnectionId });
export type ConnectionParams = Static<typeof ConnectionParams>;

export const ConnectionsQuery = Type.Object(
  {
    backendId: Type.Optional(Type.Integer({ ...DbId, description: 'only the connections this backend holds' })),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: CONNECTION_LIST_LIMITS.pageMax,
        description: `page size (default ${CONNECTION_LIST_LIMITS.pageDefault}, at most ${CONNECTION_LIST_LIMITS.pageMax})`,
        errorMessage: `must be an integer from 1 to ${CONNECTION_LIST_LIMITS.pageMax}`,
      }),
    ),
    after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'only connections with a larger id: the previous page\'s `next`' })),
  },
  { additionalProperties: false },
);
export type ConnectionsQuery = Static<typeof ConnectionsQuery>;

const nullable = <T extends ReturnType<typeof Type.Integer> | ReturnType<typeof Type.String>>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });

const ConnectionSchema = Type.Object({
  id: Type.Integer({ description: 'unique on this node while the admin runs; with --workers, worker id × 10^12 + a per-worker counter' }),
  client: Type.String({ description: 'the client\'s address:port ([v6]:port); ? once its socket is gone' }),
  backendId: nullable(Type.Integer(), 'the backend holding it; null while queued'),
  backend: nullable(Type.String(), 'that backend\'s address'),
  state: literalUnion(CONNECTION_STATES),
  ageMs: Type.Integer({ description: 'ms since the client was accepted' }),
  bytesIn: Type.Integer({ description: 'bytes read from the client (client → backend)' }),
  bytesOut: Type.Integer({ description: 'bytes written to the client (backend → client)' }),
});

export const ConnectionPageSchema = Type.Object({
  connections: Type.Array(ConnectionSchema, { description: 'ascending by id' }),
  next: nullable(Type.Integer(), 'the `after` of the next page; null on the last page'),
});

export const ConnectionsClosedSchema = Type.Object({ closed: Type.Integer({ description: 'how many connections were closed' }) });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _pageAgrees: Same<Static<typeof ConnectionPageSchema>, ConnectionPageDto> = true;
const _closedAgrees: Same<Static<typeof ConnectionsClosedSchema>, ConnectionsClosedDto> = true;
