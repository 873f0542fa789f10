// Health checks in cluster mode run once, here in the primary: one HealthChecker per service
// (the engine's own class). Transitions go to every worker (setBackendHealth there), and workers'
// passive-failure streaks come back as reportFailure() calls, so a backend ejected by any worker's
// traffic is ejected in all of them.
import { EJECTION_CAPPED, HealthChecker, ejectionCappedMessage } from '@fulcrum/engine';
import type { EngineConfig, HealthState, PassiveFailureEvent, ServiceConfig } from '@fulcrum/engine';
import { formatAddress } from '@fulcrum/shared/address';
import type { BackendCheckDto } from '@fulcrum/shared/api';
import type { HealthTable } from './protocol.ts';

/** A health transition decided by the primary's checker. */
export interface HealthChange {
  serviceId: number;
  serviceName: string;
  backendId: number;
  address: string;
  from: HealthState;
  to: HealthState;
  reason: string;
}

interface Watched {
  checker: HealthChecker<number>;
  config: ServiceConfig;
  /** Backend id → address the checker watches. */
  addresses: Map<number, string>;
}

/** A passive ejection the primary's checker refused (maxEjectionPercent), as a service error. */
export interface CappedEjection {
  serviceId: number;
  serviceName: string;
  code: string;
  message: string;
}

/** Every service's health checker, kept in step with the committed config. */
export class HealthHub {
  readonly #services = new Map<number, Watched>();
  readonly #onChange: (change: HealthChange) => void;
  readonly #onCapped: (capped: CappedEjection) => void;
  #closed = false;
  #syncing = false;

  constructor(onChange: (change: HealthChange) => void, onCapped: (capped: CappedEjection) => void = () => {}) {
    this.#onChange = onChange;
    this.#onCapped = onCapped;
  }

  /** Follows a committed config: new services get a checker, removed ones lose theirs. */
  sync(config: EngineConfig): void {
    if (this.#closed) return;
    this.#syncing = true;
    try {
      this.#sync(config);
    } finally {
      this.#syncing = false;
    }
  }

  #sync(config: EngineConfig): void {
    const keep = new Set<number>();
    for (const sc of config.services) {
      keep.add(sc.id);
      let watched = this.#services.get(sc.id);
      if (watched === undefined) {
        const addresses = new Map<number, string>();
        const checker = new HealthChecker<number>({
          config: sc.healthCheck,
          onChange: (backendId, from, to, reason) => {
            // A moved backend is a new backend in the engine, already 'unknown': no event (as in-process).
            if (this.#syncing && to === 'unknown') return;
            const serviceName = this.#services.get(sc.id)?.config.name ?? sc.name;
            this.#onChange({ serviceId: sc.id, serviceName, backendId, address: addresses.get(backendId) ?? '', from, to, reason });
          },
          onEjectionCapped: (backendId, reason, ejected, allowed, total) => {
            const current = this.#services.get(sc.id)?.config ?? sc;
            const address = addresses.get(backendId) ?? `#${backendId}`;
            const message = ejectionCappedMessage(address, reason, ejected, allowed, total, current.healthCheck.maxEjectionPercent);
            this.#onCapped({ serviceId: sc.id, serviceName: current.name, code: EJECTION_CAPPED, message });
          },
        });
        watched = { checker, config: sc, addresses };
        this.#services.set(sc.id, watched);
      } else {
        watched.config = sc;
        watched.checker.updateConfig(sc.healthCheck);
      }
      // Addresses first: setTargets() reports 'address changed' transitions synchronously.
      watched.addresses.clear();
      for (const b of sc.backends) watched.addresses.set(b.id, formatAddress(b.host, b.port));
      // Each backend's effective PROXY protocol (its own, else the service's): checks send the header too.
      watched.checker.setTargets(sc.backends.map((b) => ({ id: b.id, host: b.host, port: b.port, proxyProtocol: b.proxyProtocol ?? sc.proxyProtocol ?? 'off' })));
    }
    for (const [id, watched] of this.#services) {
      if (keep.has(id)) continue;
      watched.checker.close();
      this.#services.delete(id);
    }
  }

  /** Current state of a backend, if it is watched. */
  state(serviceId: number, backendId: number): HealthState | undefined {
    const watched = this.#services.get(serviceId);
    return watched?.addresses.has(backendId) ? watched.checker.state(backendId) : undefined;
  }

  /** Health detail of a backend for stats (reason, since, last probe); null if not watched. */
  detail(serviceId: number, backendId: number): BackendCheckDto | null {
    const watched = this.#services.get(serviceId);
    return watched?.addresses.has(backendId) ? watched.checker.detail(backendId) : null;
  }

  /**
   * The health to install with `config` (sent inside the apply message, so a worker never runs a
   * backend the primary already knows about as 'unknown'): watched backends keep their state, new
   * ones start 'unknown', or 'up' when the service has checks off (as the engine does in-process).
   */
  table(config: EngineConfig): HealthTable {
    const table: HealthTable = {};
    for (const sc of config.services) {
      const watched = this.#services.get(sc.id);
      const row: Record<number, HealthState> = {};
      for (const b of sc.backends) {
        const same = watched?.addresses.get(b.id) === formatAddress(b.host, b.port);
        const known = same ? watched?.checker.state(b.id) : undefined;
        row[b.id] = sc.healthCheck.type === 'none' ? (known === 'down' ? 'down' : 'up') : (known ?? 'unknown');
      }
      table[sc.id] = row;
    }
    return table;
  }

  /** Passive ejections of a service refused by maxEjectionPercent (the checker decides them here). */
  ejectionsCapped(serviceId: number): number {
    return this.#services.get(serviceId)?.checker.ejectionsCapped ?? 0;
  }

  /**
   * A worker saw `streak` consecutive connect failures: the checker hears each of them; or its
   * failure-rate window tripped: the checker ejects the backend (under maxEjectionPercent).
   */
  reportPassive(event: PassiveFailureEvent): void {
    const watched = this.#services.get(event.serviceId);
    if (watched === undefined || !watched.addresses.has(event.backendId)) return;
    if (event.detector === 'failure-rate') {
      watched.checker.reportOutlier(event.backendId, event.reason);
      return;
    }
    const n = Math.max(1, Math.min(event.streak, 100));
    for (let i = 0; i < n; i++) watched.checker.reportFailure(event.backendId, event.reason);
  }

  close(): void {
    this.#closed = true;
    for (const watched of this.#services.values()) watched.checker.close();
    this.#services.clear();
  }
}
