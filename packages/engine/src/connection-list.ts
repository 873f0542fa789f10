// The live connection list of one service (HAProxy's `show sess` / `shutdown session`): a page of
// views ordered by connection id, and closing by id or by backend. Everything here runs when an
// operator asks, never per chunk: it walks the wait queue and each backend's intrusive list.
import { formatAddress } from '@fulcrum/shared/address';
import { CONNECTION_LIST_LIMITS, type ConnectionDto, type ConnectionPageDto, type ConnectionState } from '@fulcrum/shared/connections';
import type { Backend } from './backend.ts';
import type { Connection } from './connection.ts';
import { Phase, Side } from './connection-state.ts';

/** Which page: connections with an id above `after` (default 0), at most `limit`, of one backend or all. */
export interface ConnectionQuery {
  backendId?: number | undefined;
  after?: number | undefined;
  limit?: number | undefined;
}

/** What the list reads of a service. */
export interface ConnectionSource {
  readonly backends: ReadonlyMap<number, Backend>;
  /** Removed backends that still drain their connections. */
  readonly retired: ReadonlySet<Backend>;
  readonly queue: { snapshot(): Connection[] };
}

/** One page of `source`'s connections (see ConnectionQuery); `next` is null on the last page. */
export function listConnections(source: ConnectionSource, query: ConnectionQuery, now = performance.now()): ConnectionPageDto {
  const limit = Math.min(Math.max(query.limit ?? CONNECTION_LIST_LIMITS.pageDefault, 1), CONNECTION_LIST_LIMITS.pageMax);
  const after = query.after ?? 0;
  const picked: Connection[] = [];
  forEachConnection(source, query.backendId, (c) => {
    if (c.id > after) picked.push(c);
  });
  picked.sort((a, b) => a.id - b.id);
  const page = picked.length > limit ? picked.slice(0, limit) : picked;
  return { connections: page.map((c) => connectionView(c, now)), next: picked.length > limit ? (page.at(-1)?.id ?? null) : null };
}

/** Closes connection `id` at once (both sides, like `shutdown session`); false if the service has no such connection. */
export function closeConnection(source: ConnectionSource, id: number): boolean {
  let found: Connection | undefined;
  forEachConnection(source, undefined, (c) => {
    if (c.id === id) found = c;
  });
  found?.shutdownByOperator();
  return found !== undefined;
}

/** Closes every connection held by backend `backendId` (a removed one still draining too); returns how many. */
export function closeBackendConnections(source: ConnectionSource, backendId: number): number {
  const victims: Connection[] = [];
  forEachConnection(source, backendId, (c) => victims.push(c));
  for (const c of victims) c.shutdownByOperator();
  return victims.length;
}

/** The operator's name for where `c` is (CONNECTION_STATES). */
export function connectionState(c: Connection): ConnectionState {
  switch (c.phase) {
    case Phase.Waiting:
      return 'queued';
    case Phase.Connecting:
      return 'connecting';
    case Phase.Ending:
      return 'draining';
  }
  if (c.clientState !== Side.Open || c.upstreamState !== Side.Open) return 'half-closed';
  const b = c.backend;
  return b !== null && (b.removed || b.adminState === 'draining') ? 'draining' : 'established';
}

function connectionView(c: Connection, now: number): ConnectionDto {
  const peer = c.service.io.peer(c.client);
  const b = c.backend;
  return {
    id: c.id,
    client: peer.address === undefined ? '?' : formatAddress(peer.address, peer.port ?? 0),
    backendId: b?.id ?? null,
    backend: b?.address ?? null,
    state: connectionState(c),
    ageMs: Math.max(0, Math.round(now - c.acceptedAt)),
    bytesIn: c.client.bytesRead,
    bytesOut: c.client.bytesWritten,
  };
}

// The queue (only without a backend filter: queued clients hold no backend), then each backend's
// list; a connection is in exactly one of them. Finished ones are unlinked, so never visited.
function forEachConnection(source: ConnectionSource, backendId: number | undefined, visit: (c: Connection) => void): void {
  if (backendId === undefined) for (const c of source.queue.snapshot()) visit(c);
  const walk = (b: Backend): void => {
    if (backendId !== undefined && b.id !== backendId) return;
    for (let link = b.head; link !== null; link = link.next) visit(link as Connection);
  };
  for (const b of source.backends.values()) walk(b);
  for (const b of source.retired) walk(b);
}
