// Merging the workers' counters into one EngineStats, the shape the admin already reads.
// Counters are cumulative per worker; a worker that exits hands its last cumulative counters to
// RetiredTotals, so a total is always (live workers' latest) + (retired), never double counted and
// never going backwards except by what a killed worker counted after its last batch.
import { ACCEPT_REJECT_REASONS, noRejections, type AcceptRejectReason } from '@fulcrum/shared/enums';
import type { BackendCheckDto } from '@fulcrum/shared/api';
import type { BackendStats, EngineConfig, EngineStats, HealthState, ServiceStats } from '@fulcrum/engine';
import { formatAddress } from '@fulcrum/shared/address';
import type { LoadTable } from './protocol.ts';

/** A backend instance: an address change makes a new backend with the same id. */
const backendKey = (id: number, address: string): string => `${id}@${address}`;

interface Cumulative {
  total: number;
  rejected: number;
  /** rejectedByReason, every reason. */
  byReason: Record<AcceptRejectReason, number>;
  retries: number;
  bytesIn: number;
  bytesOut: number;
  connectFailures: number;
  closedByLifetime: number;
  closedByRebalance: number;
}

const zero = (): Cumulative => ({ total: 0, rejected: 0, byReason: noRejections(), retries: 0, bytesIn: 0, bytesOut: 0, connectFailures: 0, closedByLifetime: 0, closedByRebalance: 0 });

/** Cumulative counters of exited workers, by service and backend instance. */
export class RetiredTotals {
  readonly #services = new Map<number, { counters: Cumulative; backends: Map<string, Cumulative> }>();

  /** Adds an exited worker's last counters (once per worker). */
  add(stats: EngineStats): void {
    for (const s of stats.services) {
      let entry = this.#services.get(s.id);
      if (entry === undefined) {
        entry = { counters: zero(), backends: new Map() };
        this.#services.set(s.id, entry);
      }
      entry.counters.total += s.total;
      entry.counters.rejected += s.rejected;
      for (const r of ACCEPT_REJECT_REASONS) entry.counters.byReason[r] += s.rejectedByReason[r];
      entry.counters.retries += s.retries;
      entry.counters.bytesIn += s.bytesIn;
      entry.counters.bytesOut += s.bytesOut;
      for (const b of s.backends) {
        const key = backendKey(b.id, b.address);
        const acc = entry.backends.get(key) ?? zero();
        acc.total += b.total;
        acc.bytesIn += b.bytesIn;
        acc.bytesOut += b.bytesOut;
        acc.connectFailures += b.connectFailures;
        acc.closedByLifetime += b.closedByLifetime;
        acc.closedByRebalance += b.closedByRebalance;
        entry.backends.set(key, acc);
      }
    }
  }

  service(id: number): Cumulative | undefined {
    return this.#services.get(id)?.counters;
  }

  backend(serviceId: number, id: number, address: string): Cumulative | undefined {
    return this.#services.get(serviceId)?.backends.get(backendKey(id, address));
  }

  /** Forgets services no longer configured (ids are never reused, so they cannot come back). */
  prune(config: EngineConfig): void {
    const keep = new Set(config.services.map((s) => s.id));
    for (const id of this.#services.keys()) if (!keep.has(id)) this.#services.delete(id);
  }
}

/**
 * One EngineStats over every worker: the committed config gives the services (in order) and the
 * configured backends; workers add counters and the backends still draining after removal.
 * `health`, `ejectionsCapped` and `check` are the primary's checker's (workers only mirror it); failure rates add up.
 */
export function mergeStats(
  config: EngineConfig,
  reports: readonly EngineStats[],
  retired: RetiredTotals,
  health: (serviceId: number, backendId: number) => HealthState | undefined,
  ejectionsCapped: (serviceId: number) => number = () => 0,
  check: (serviceId: number, backendId: number) => BackendCheckDto | null = () => null,
): EngineStats {
  const services: ServiceStats[] = [];
  for (const sc of config.services) {
    const parts = reports.flatMap((r) => r.services.filter((s) => s.id === sc.id));
    const old = retired.service(sc.id) ?? zero();
    const out: ServiceStats = {
      id: sc.id,
      name: sc.name,
      host: sc.host,
      port: sc.port !== 0 ? sc.port : (parts.find((p) => p.host === sc.host)?.port ?? 0),
      listening: parts.some((p) => p.listening),
      active: sum(parts, (p) => p.active),
      total: old.total + sum(parts, (p) => p.total),
      rejected: old.rejected + sum(parts, (p) => p.rejected),
      rejectedByReason: mergeReasons(old.byReason, parts),
      queued: sum(parts, (p) => p.queued),
      retries: old.retries + sum(parts, (p) => p.retries),
      // The primary's checker decides ejections (and refuses them), not the workers.
      ejectionsCapped: ejectionsCapped(sc.id),
      bytesIn: old.bytesIn + sum(parts, (p) => p.bytesIn),
      bytesOut: old.bytesOut + sum(parts, (p) => p.bytesOut),
      // Each worker has its own client table (README "How much one client may take").
      clientTable: { entries: sum(parts, (p) => p.clientTable.entries), peak: Math.max(0, ...parts.map((p) => p.clientTable.peak)) },
      backends: [],
    };
    // Instances reported by workers, grouped; configured backends first, in config order.
    const reported = new Map<string, BackendStats[]>();
    for (const p of parts) {
      for (const b of p.backends) {
        const key = backendKey(b.id, b.address);
        const list = reported.get(key);
        if (list === undefined) reported.set(key, [b]);
        else list.push(b);
      }
    }
    const configured = new Set<string>();
    for (const bc of sc.backends) {
      const address = formatAddress(bc.host, bc.port);
      const key = backendKey(bc.id, address);
      configured.add(key);
      const list = (reported.get(key) ?? []).filter((b) => !b.removed);
      const effective = list.find((b) => b.effectiveWeight !== b.weight)?.effectiveWeight ?? bc.weight;
      out.backends.push(
        backend(sc.id, bc.id, address, list, retired, {
          state: bc.state,
          health: health(sc.id, bc.id) ?? list[0]?.health ?? 'unknown',
          removed: false,
          weight: bc.weight,
          effectiveWeight: Math.min(effective, bc.weight),
          agent: latestAgent(list),
          check: check(sc.id, bc.id),
        }),
      );
    }
    // Then instances that only drain: removed from the config, or not in it any more.
    for (const [key, list] of reported) {
      const gone = configured.has(key) ? list.filter((b) => b.removed) : list;
      const first = gone[0];
      if (first === undefined) continue;
      out.backends.push(
        backend(sc.id, first.id, first.address, gone, retired, {
          state: 'draining',
          health: first.health,
          removed: true,
          weight: first.weight,
          effectiveWeight: first.effectiveWeight,
          agent: null,
          check: null,
        }),
      );
    }
    services.push(out);
  }
  // Every worker runs the same Node with the same --relay, so they agree; should one differ
  // (a worker whose check failed), the socket relay is what the operator needs to hear of.
  const relays = reports.flatMap((r) => (r.relay !== undefined ? [r.relay] : []));
  const relay = relays.find((r) => r.relay === 'socket') ?? relays[0];
  return { time: Date.now(), services, ...(relay !== undefined ? { relay } : {}) };
}

/** Each reason: what exited workers counted plus what the live ones report. */
function mergeReasons(old: Readonly<Record<AcceptRejectReason, number>>, parts: readonly ServiceStats[]): Record<AcceptRejectReason, number> {
  const out = noRejections();
  for (const r of ACCEPT_REJECT_REASONS) out[r] = old[r] + sum(parts, (p) => p.rejectedByReason[r]);
  return out;
}

type Fixed = Pick<BackendStats, 'state' | 'health' | 'removed' | 'weight' | 'effectiveWeight' | 'agent' | 'check'>;

/** Every worker asks the agent itself: the view with the latest answer (or the latest error) wins. */
function latestAgent(parts: readonly BackendStats[]): BackendStats['agent'] {
  let best: BackendStats['agent'] = null;
  for (const b of parts) {
    if (b.agent === null) continue;
    if (best === null || (b.agent.lastAt ?? 0) > (best.lastAt ?? 0)) best = b.agent;
  }
  return best;
}

function backend(serviceId: number, id: number, address: string, parts: BackendStats[], retired: RetiredTotals, fixed: Fixed): BackendStats {
  const old = retired.backend(serviceId, id, address) ?? zero();
  const total = sum(parts, (b) => b.total);
  // Connect time: the workers' EWMAs weighted by how many connections each made.
  const connectTimeMs =
    total > 0 ? sum(parts, (b) => b.connectTimeMs * b.total) / total : Math.max(0, ...parts.map((b) => b.connectTimeMs));
  return {
    id,
    address,
    ...fixed,
    active: sum(parts, (b) => b.active),
    total: old.total + total,
    bytesIn: old.bytesIn + sum(parts, (b) => b.bytesIn),
    bytesOut: old.bytesOut + sum(parts, (b) => b.bytesOut),
    connectFailures: old.connectFailures + sum(parts, (b) => b.connectFailures),
    failureRate: sum(parts, (b) => b.failureRate),
    connectTimeMs: Math.round(connectTimeMs * 100) / 100,
    closedByLifetime: old.closedByLifetime + sum(parts, (b) => b.closedByLifetime),
    closedByRebalance: old.closedByRebalance + sum(parts, (b) => b.closedByRebalance),
  };
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  let n = 0;
  for (const item of items) n += value(item);
  return n;
}

/** For one worker: the active connections every other worker holds, per configured backend. */
export function remoteLoad(others: readonly EngineStats[]): LoadTable {
  const load: LoadTable = {};
  for (const report of others) {
    for (const s of report.services) {
      const table = (load[s.id] ??= {});
      for (const b of s.backends) {
        if (b.removed) continue;
        table[b.id] = (table[b.id] ?? 0) + b.active;
      }
    }
  }
  return load;
}

