// Shapes returned by LoadBalancer.stats(): cheap counters, sampled by the admin.
import type { AdminState, HealthState } from './config.ts';

export interface BackendStats {
  id: number;
  address: string;
  state: AdminState;
  health: HealthState;
  /** true while a backend removed from the config still drains. */
  removed: boolean;
  weight: number;
  effectiveWeight: number;
  active: number;
  total: number;
  /** Bytes from clients to this backend. */
  bytesIn: number;
  /** Bytes from this backend to clients. */
  bytesOut: number;
  connectFailures: number;
  connectTimeMs: number;
}

export interface ServiceStats {
  id: number;
  name: string;
  host: string;
  port: number;
  listening: boolean;
  active: number;
  total: number;
  /** Clients closed because no backend could take them. */
  rejected: number;
  /** Clients waiting in the queue now. */
  queued: number;
  retries: number;
  bytesIn: number;
  bytesOut: number;
  backends: BackendStats[];
}

export interface EngineStats {
  time: number;
  services: ServiceStats[];
}
