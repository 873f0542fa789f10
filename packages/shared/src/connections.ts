// The live connection list (README "Connections"; GET /api/services/:id/connections): one row per
// client connection of a service, its states and the page bounds. Declared once: the engine
// derives the states, the admin's schemas and the console read them from here.

/**
 * Where a connection is, as an operator names it:
 * queued (waiting for a backend slot), connecting (a connect attempt in flight), established
 * (bytes flow both ways), half-closed (one peer sent FIN, or one side is closed and the other
 * lingers), draining (its backend drains or was removed, or a drain deadline is ending it with FIN).
 */
export const CONNECTION_STATES = ['queued', 'connecting', 'established', 'half-closed', 'draining'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/** Page size of the list: `limit` defaults to `pageDefault`, at most `pageMax`. */
export const CONNECTION_LIST_LIMITS = { pageDefault: 100, pageMax: 500 } as const;

/**
 * Connection ids of a worker process start at its worker id × this (`--workers N`), so ids are
 * unique on a node and tell which worker holds a connection; the in-process engine starts at 0.
 */
export const WORKER_CONNECTION_ID_SPAN = 1e12;

/** One live client connection. */
export interface ConnectionDto {
  /** Unique on this node while the admin runs (see WORKER_CONNECTION_ID_SPAN); the list is ordered by it. */
  id: number;
  /** The client's `address:port` (`[v6]:port`); `?` once its socket is gone. */
  client: string;
  /** The backend holding it; null while queued. */
  backendId: number | null;
  backend: string | null;
  state: ConnectionState;
  /** Milliseconds since accept. */
  ageMs: number;
  /** Bytes read from the client (client → backend) and written to it (backend → client). */
  bytesIn: number;
  bytesOut: number;
}

/** One page: at most `limit` connections with ids above `after`, ascending; `next` is the cursor for the following page (null: last page). */
export interface ConnectionPageDto {
  connections: ConnectionDto[];
  next: number | null;
}

/** Answer of the close routes: how many connections were closed. */
export interface ConnectionsClosedDto {
  closed: number;
}
