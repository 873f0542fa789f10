// Shapes returned by LoadBalancer.stats(): cheap counters, sampled by the admin. The counters
// are declared once, in @fulcrum/shared (the API carries the same fields); the engine adds
// what only it knows or what the admin reshapes (host/port → listen, listening, retries).
import type { BackendStatsDto, ServiceCountersDto } from '@fulcrum/shared/api';
import type { RelayInfo } from './relay-choice.ts';

/** One backend's counters. */
export type BackendStats = BackendStatsDto;

/** One service's counters, as the engine reports them. */
export interface ServiceStats extends ServiceCountersDto {
  id: number;
  name: string;
  host: string;
  port: number;
  listening: boolean;
  /** Connect attempts retried on another backend. */
  retries: number;
  /** Passive ejections refused by maxEjectionPercent (in-process health checks; the primary's in worker mode). */
  ejectionsCapped: number;
  /**
   * The `limits` client table of this process (client-table.ts): clients tracked now, and the most
   * ever tracked at once (never above limits.tableSize). With --workers: entries summed, peak the highest.
   */
  clientTable: { entries: number; peak: number };
  backends: BackendStats[];
}

export interface EngineStats {
  time: number;
  services: ServiceStats[];
  /** The relay that moves the bytes (from the first apply() on). */
  relay?: RelayInfo;
}
