// The counters snapshot of one service (Service.stats()): read when the admin samples, never
// on the data path. Service totals are the sum of its backends' counters plus what removed
// backends left behind when their drain ended.
import type { Server } from 'node:net';
import type { AgentViewDto } from '@fulcrum/shared/api';
import type { AcceptRejectReason } from '@fulcrum/shared/enums';
import type { Backend } from './backend.ts';
import type { ServiceConfig } from './config.ts';
import type { BackendStats, ServiceStats } from './stats.ts';

/** What a snapshot reads of a service (Service, structurally). */
export interface ServiceCounters {
  readonly id: number;
  readonly config: ServiceConfig;
  readonly server: Server;
  readonly backends: ReadonlyMap<number, Backend>;
  readonly retired: ReadonlySet<Backend>;
  readonly queue: { readonly length: number };
  readonly active: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<AcceptRejectReason, number>>;
  /** The `limits` client table (null: no limits). */
  readonly admission: { readonly clientLimits: { readonly table: { readonly size: number; readonly peak: number } } | null };
  readonly retries: number;
  /** Passive ejections refused by maxEjectionPercent (the local health checker counts them). */
  readonly health: { readonly ejectionsCapped: number; detail(id: number): BackendStats['check'] } | null;
  /** What each backend's agent said last (agent-checker.ts). */
  readonly agents: { view(id: number): AgentViewDto | null };
  readonly goneTotal: number;
  readonly goneBytesIn: number;
  readonly goneBytesOut: number;
}

/** A snapshot of `s`'s counters and of each of its backends, removed ones still draining included. */
export function serviceStats(s: ServiceCounters): ServiceStats {
  const backends: BackendStats[] = [];
  const now = performance.now();
  for (const b of s.backends.values()) backends.push(backendStats(b, now, s.health?.detail(b.id) ?? null, s.agents.view(b.id)));
  for (const b of s.retired) backends.push(backendStats(b, now, null, null));
  let total = s.goneTotal;
  let bytesIn = s.goneBytesIn;
  let bytesOut = s.goneBytesOut;
  for (const b of backends) {
    total += b.total;
    bytesIn += b.bytesIn;
    bytesOut += b.bytesOut;
  }
  const addr = s.server.address();
  return {
    id: s.id,
    name: s.config.name,
    host: s.config.host,
    port: addr !== null && typeof addr === 'object' ? addr.port : s.config.port,
    listening: s.server.listening,
    active: s.active,
    total,
    rejected: s.rejected,
    rejectedByReason: { ...s.rejectedByReason },
    clientTable: { entries: s.admission.clientLimits?.table.size ?? 0, peak: s.admission.clientLimits?.table.peak ?? 0 },
    queued: s.queue.length,
    retries: s.retries,
    ejectionsCapped: s.health?.ejectionsCapped ?? 0,
    bytesIn,
    bytesOut,
    backends,
  };
}

function backendStats(b: Backend, now: number, check: BackendStats['check'], agent: AgentViewDto | null): BackendStats {
  return {
    id: b.id,
    address: b.address,
    state: b.adminState,
    health: b.health,
    removed: b.removed,
    weight: b.weight,
    effectiveWeight: b.effectiveWeight,
    active: b.localActive,
    total: b.total,
    bytesIn: b.bytesIn,
    bytesOut: b.bytesOut,
    connectFailures: b.connectFailures,
    failureRate: b.recentFailures.perSecond(now),
    connectTimeMs: Math.round(b.connectTimeEwmaMs * 100) / 100,
    closedByLifetime: b.closedByLifetime,
    closedByRebalance: b.closedByRebalance,
    agent,
    check,
  };
}
