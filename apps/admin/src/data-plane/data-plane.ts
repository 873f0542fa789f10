// The narrow interface the admin drives the data plane through (see docs/WORKERS.md): the
// in-process LoadBalancer and the ClusterEngine (engines in worker processes) both satisfy it,
// so routes, the store and the config service never know which one runs.
import type { EventEmitter } from 'node:events';
import type { CloseOptions, ConnectionQuery, EngineConfig, EngineEvents, EngineStats } from '@fulcrum/engine';
import type { ConnectionPageDto } from '@fulcrum/shared/connections';

/** What the admin uses of an engine: apply a snapshot, read counters, hear events, close. */
export interface DataPlane extends EventEmitter<EngineEvents> {
  /** Makes `config` live everywhere, or throws an EngineError with nothing changed. */
  apply(config: EngineConfig): Promise<void>;
  /** Cumulative counters (merged over workers in cluster mode). */
  stats(): EngineStats;
  /** The config last applied successfully. */
  readonly config: EngineConfig;
  /**
   * Rebalances a backend: its connections end gracefully, spread over `windowMs`, in every engine
   * (each worker its own); events rebalance-started and rebalance-ended follow. `connections`:
   * how many it will end (null with workers: their events say). null: no such service or backend.
   */
  rebalance(serviceId: number, backendId: number, windowMs: number): { rebalanceId: number; connections: number | null } | null;
  /** The port a service actually listens on. */
  listenPort(serviceId: number): number | undefined;
  /** One page of a service's live connections on this node (merged over workers in cluster mode). */
  listConnections(serviceId: number, query?: ConnectionQuery): ConnectionPageDto | Promise<ConnectionPageDto>;
  /** Closes one connection at once; false if this node has no such connection of that service. */
  closeConnection(serviceId: number, connectionId: number): boolean | Promise<boolean>;
  /** Closes every connection of one backend on this node; how many. */
  closeBackendConnections(serviceId: number, backendId: number): number | Promise<number>;
  /** Stops listening and closes (or drains) every connection. */
  close(opts?: CloseOptions): Promise<void>;
}
