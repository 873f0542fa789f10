// The IPC protocol between the cluster primary and its workers (see docs/WORKERS.md). Messages
// are small JSON objects over the cluster channel; none is ever sent per connection.
import type { ConnectionQuery, EngineConfig, EngineErrorCode, EngineEvents, EngineStats, HealthState } from '@fulcrum/engine';
import type { ConnectionPageDto } from '@fulcrum/shared/connections';

/** The worker's environment variable naming the relay its engine runs (--relay; the primary always sets it). */
export const RELAY_ENV = 'FULCRUM_RELAY';

/** How often a worker sends its counters (one message per worker per batch). */
export const STATS_BATCH_MS = 250;

/** Health of every backend, by service id then backend id (read by id, never by iterating keys: JSON keys are text). */
export type HealthTable = Record<number, Record<number, HealthState>>;

/** Other workers' active connections, by service id then backend id (read by id, like HealthTable). */
export type LoadTable = Record<number, Record<number, number>>;

/** An EngineError, flattened for IPC; the primary rebuilds the same class and code. */
export interface WireError {
  code: EngineErrorCode | 'INTERNAL';
  message: string;
  field?: string;
  serviceId?: number;
  /** The errno code of a listen failure (EADDRINUSE, EACCES…). */
  errno?: string;
}

/**
 * Listening sockets the primary inherited from its predecessor (docs/UPGRADE.md): the primary's
 * descriptor by service address (`host:port`). A worker listens with `{ fd }` on these, and
 * node:cluster opens that descriptor in the primary, as it would bind the address.
 */
export type ListenFds = Record<string, number>;

/** Primary → worker. Applied in order: a worker handles one message at a time. */
export type ToWorker =
  /** Make `config` live, then set `health`; answer `applied` or `apply-failed` with the same version. */
  | { type: 'apply'; version: number; config: EngineConfig; health: HealthTable; listenFds: ListenFds }
  /** Send every service's listening socket back (a `listener` message each, with the handle), then `listeners-sent`. */
  | { type: 'send-listeners' }
  /** The primary's health checker changed a backend's state. */
  | { type: 'health'; serviceId: number; backendId: number; health: HealthState; reason: string }
  /** Rebalance a backend (LoadBalancer.rebalance) under the primary's id: the worker's rebalance events carry it. */
  | { type: 'rebalance'; rebalanceId: number; serviceId: number; backendId: number; windowMs: number }
  /** Reply to `stats`: what every other worker holds, for setRemoteLoad(). */
  | { type: 'remote-load'; load: LoadTable }
  /**
   * Stop accepting, let connections finish for at most `timeoutMs` (null: no limit), end what is
   * left with FIN, send `stats` (final), exit 0. Sent again to a draining worker, it can only bring
   * the deadline forward.
   */
  | { type: 'stop'; timeoutMs: number | null }
  /** An operator's question (README "Connections"): answer `connections` with the same requestId. */
  | { type: 'list-connections'; requestId: number; serviceId: number; query: ConnectionQuery }
  /** Close connection `connectionId`, or every connection of `backendId`: answer `connections-closed`. */
  | { type: 'close-connections'; requestId: number; serviceId: number; connectionId?: number; backendId?: number };

/** Engine events a worker forwards (backend-health comes from the primary's own checker). */
export type ForwardedEvent = 'backend-state' | 'backend-agent' | 'backend-drained' | 'service-error' | 'passive-failure' | 'rebalance-started' | 'rebalance-ended';

/** Worker → primary. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'applied'; version: number }
  | { type: 'apply-failed'; version: number; error: WireError }
  | { type: 'stats'; stats: EngineStats; final: boolean }
  /** Carries a listening socket's handle (IPC handle passing), for a hand-over. */
  | { type: 'listener'; host: string; port: number }
  /** All `listener` messages are sent; `error` if this worker has no socket of its own to send (round-robin scheduling). */
  | { type: 'listeners-sent'; error?: string }
  | { type: 'connections'; requestId: number; page: ConnectionPageDto }
  | { type: 'connections-closed'; requestId: number; closed: number }
  | {
      [K in ForwardedEvent]: { type: 'event'; name: K; event: EngineEvents[K][0]; version: number };
    }[ForwardedEvent];

/** True for objects that look like our messages (the cluster's own are filtered by Node). */
export function isMessage<T extends { type: string }>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
