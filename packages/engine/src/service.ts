// One service: its listening socket, its backends, its strategy, and the rules for choosing
// and retrying. Waiting clients are in wait-queue.ts, backend drains in backend-drain.ts.
import type { Server } from 'node:net';
import type { BackendConfig, ServiceConfig } from './config.ts';
import type { Strategy } from './strategy.ts';
import type { BackendStats, ServiceStats } from './stats.ts';
import { Backend } from './backend.ts';
import { Connection, type ConnectionIo, type ConnectionOwner, type RelayFailure } from './connection.ts';
import { describeErrno, localErrno } from './local-errors.ts';
import { handleIo } from './connector.ts';
import { acceptRaw, type TcpHandle } from './tcp-handle.ts';
import { getSystemErrorName } from 'node:util';
import { isEligible } from './strategy.ts';
import { createStrategy } from './strategies/registry.ts';
import { HealthChecker } from './health/health-checker.ts';
import { slowStartFactor } from './health/slow-start.ts';
import type { HealthState } from './config.ts';
import { WaitQueue } from './wait-queue.ts';
import { cancelDrain, endDrainIfIdle, startDrain, type DrainOwner } from './backend-drain.ts';

/** What a service needs from the load balancer that owns it. */
export interface ServiceHost {
  readonly random: () => number;
  /** A backend finished draining (its last connection closed, or the drain timeout passed). */
  onDrained(service: Service, backend: Backend, closedByTimeout: number): void;
  /** A backend's health changed (active check, passive detection, or checks disabled). */
  onHealth(service: Service, backend: Backend, from: HealthState, to: HealthState, reason: string): void;
  /** An operator changed a backend's admin state. */
  onStateChange(service: Service, backend: Backend, from: Backend['adminState']): void;
  /** External health mode: a backend reached `passiveFailures` consecutive real connection failures here. */
  onPassiveThreshold(service: Service, backend: Backend, reason: string): void;
  /** true: no local health checks; setBackendHealth() drives health (worker processes). */
  readonly externalHealth: boolean;
  /** The service's listener or this process failed it (accept error, no descriptor left): worth an operator's attention. */
  onServiceError(service: Service, code: string, message: string): void;
  /** A retired service has no connections left. */
  onServiceGone(service: Service): void;
}

/** One listening service: accepts clients and dispatches each to a backend. */
export class Service implements DrainOwner, ConnectionOwner {
  readonly id: number;
  config: ServiceConfig;
  server: Server;
  readonly host: ServiceHost;
  /** How this service's connections reach their handles (tests pass their own). */
  readonly io: ConnectionIo;
  /** Backends in the config, by id. */
  readonly backends = new Map<number, Backend>();
  /** Backends removed from the config that still drain connections. */
  readonly retired = new Set<Backend>();
  primary: Strategy<Backend>;
  backup: Strategy<Backend>;
  /** null when health is driven from outside (worker processes: the primary checks once). */
  readonly health: HealthChecker<number> | null;
  retiredService = false;

  active = 0;
  rejected = 0;
  retries = 0;
  // Service totals are the sum of its backends' counters (taken in stats(), not per chunk),
  // plus these: the counters of removed backends that finished draining.
  goneTotal = 0;
  goneBytesIn = 0;
  goneBytesOut = 0;
  /** Clients waiting for a backend slot. */
  readonly queue = new WaitQueue((conn) => this.reject(conn));

  /** Call listen() to start accepting on `server`. */
  constructor(config: ServiceConfig, server: Server, host: ServiceHost, io: ConnectionIo = handleIo) {
    this.id = config.id;
    this.config = config;
    this.host = host;
    this.io = io;
    this.server = server;
    this.primary = createStrategy(config.strategy, { options: config.strategyOptions, random: host.random });
    this.backup = createStrategy(config.strategy, { options: config.strategyOptions, random: host.random });
    for (const b of config.backends) this.backends.set(b.id, new Backend(b));
    this.health = host.externalHealth
      ? null
      : new HealthChecker<number>({
          config: config.healthCheck,
          random: host.random,
          onChange: (id, from, to, reason) => this.setHealth(id, from, to, reason),
        });
    this.refreshStrategies();
    this.health?.setTargets([...this.backends.values()]);
  }

  /** Records a health transition of backend `id` and acts on it. */
  setHealth(id: number, from: HealthState, to: HealthState, reason: string): void {
    const b = this.backends.get(id);
    if (b === undefined || b.health === to) return;
    b.health = to;
    // A new verdict starts a new passive streak (else an external-health backend that came
    // back could never be ejected again: the threshold event fires on equality).
    b.failStreak = 0;
    if (to === 'up') {
      b.upSince = performance.now();
      // Slow start only after a recovery, not when the balancer itself starts.
      b.effectiveWeight = from === 'down' && this.config.healthCheck.slowStartMs > 0 ? b.weight * 0.1 : b.weight;
    }
    this.refreshStrategies();
    this.host.onHealth(this, b, from, to, reason);
    if (to === 'down' && this.config.healthCheck.closeOnDown) b.destroyConnections();
    this.serveQueue();
  }

  /** Starts accepting clients on the current server. */
  listen(): void {
    acceptRaw(this.server, (client) => this.accept(client), (status) => {
      this.host.onServiceError(this, getSystemErrorName(status), `cannot accept a client: ${describeErrno(status)}`);
    });
  }

  /** Applies a new config for this service. Never touches established connections. */
  update(config: ServiceConfig, newServer: Server | null): Server | null {
    const old = this.config;
    this.config = config;
    let oldServer: Server | null = null;
    if (newServer !== null) {
      oldServer = this.server;
      this.server = newServer;
      this.listen();
    }
    if (old.strategy !== config.strategy || JSON.stringify(old.strategyOptions) !== JSON.stringify(config.strategyOptions)) {
      this.primary = createStrategy(config.strategy, { options: config.strategyOptions, random: this.host.random });
      this.backup = createStrategy(config.strategy, { options: config.strategyOptions, random: this.host.random });
    }
    const seen = new Set<number>();
    for (const bc of config.backends) {
      seen.add(bc.id);
      const cur = this.backends.get(bc.id);
      if (cur !== undefined && cur.sameAs(bc)) this.updateBackend(cur, bc);
      else {
        if (cur !== undefined) this.retire(cur);
        this.backends.set(bc.id, new Backend(bc));
      }
    }
    for (const [id, b] of this.backends) if (!seen.has(id)) this.retire(b);
    this.health?.updateConfig(config.healthCheck);
    this.health?.setTargets([...this.backends.values()]);
    this.refreshStrategies();
    this.serveQueue();
    return oldServer;
  }

  private updateBackend(b: Backend, bc: BackendConfig): void {
    const wasDraining = b.adminState === 'draining';
    if (b.weight !== bc.weight) {
      b.effectiveWeight = b.effectiveWeight === b.weight ? bc.weight : Math.min(bc.weight, b.effectiveWeight);
      b.weight = bc.weight;
    }
    const from = b.adminState;
    b.adminState = bc.state;
    if (from !== bc.state) this.host.onStateChange(this, b, from);
    b.backup = bc.backup;
    b.maxConnections = bc.maxConnections;
    if (bc.state === 'draining' && !wasDraining) startDrain(this, b);
    else if (bc.state !== 'draining' && wasDraining) cancelDrain(b);
  }

  /** Removes a backend from the pool; its connections drain. */
  private retire(b: Backend): void {
    this.detach(b);
    startDrain(this, b);
  }

  /** Takes a backend out of the pool; it stays in stats, draining, until its connections end. */
  private detach(b: Backend): void {
    this.backends.delete(b.id);
    b.removed = true;
    b.adminState = 'draining';
    this.retired.add(b);
  }

  /**
   * The service was removed: stop accepting; established connections continue until they end
   * or drainTimeoutMs passes (0 = no limit), then they are closed.
   */
  retireAll(): void {
    this.retiredService = true;
    this.server.close();
    this.health?.close();
    for (const b of [...this.backends.values()]) this.detach(b);
    this.refreshStrategies();
    if (this.active === 0) {
      this.host.onServiceGone(this);
      return;
    }
    if (this.config.drainTimeoutMs === 0) return;
    setTimeout(() => this.destroyAll(), this.config.drainTimeoutMs).unref();
  }

  get drainTimeoutMs(): number {
    return this.config.drainTimeoutMs;
  }

  /** DrainOwner: a backend's drain ended; a removed backend's counters move to the service. */
  onDrainEnd(b: Backend, closedByTimeout: number): void {
    if (b.removed && this.retired.delete(b)) {
      this.goneTotal += b.total;
      this.goneBytesIn += b.bytesIn;
      this.goneBytesOut += b.bytesOut;
    }
    this.host.onDrained(this, b, closedByTimeout);
    if (this.retiredService && this.active === 0) this.host.onServiceGone(this);
  }

  /** Recomputes slow-start weights (called once a second); re-feeds the strategies if any changed. */
  tickSlowStart(now: number): void {
    const windowMs = this.config.healthCheck.slowStartMs;
    let changed = false;
    for (const b of this.backends.values()) {
      if (b.effectiveWeight === b.weight || b.health !== 'up') continue;
      const next = windowMs <= 0 ? b.weight : b.weight * slowStartFactor(now - b.upSince, windowMs);
      if (next !== b.effectiveWeight) {
        b.effectiveWeight = next;
        changed = true;
      }
    }
    if (changed) this.refreshStrategies();
  }

  /** Re-feeds both strategies after any change to membership, weight, state or health. */
  refreshStrategies(): void {
    const primaries: Backend[] = [];
    const backups: Backend[] = [];
    for (const b of this.backends.values()) (b.backup ? backups : primaries).push(b);
    this.primary.update(primaries);
    this.backup.update(backups);
  }

  /** A client arrived on the listening socket. */
  accept(client: TcpHandle): void {
    if (this.retiredService) {
      client.close();
      return;
    }
    this.active++;
    const conn = new Connection(this, client);
    this.dispatch(conn);
  }

  /** Picks a backend and connects, or queues, or rejects. */
  private dispatch(conn: Connection): void {
    const b = this.primary.pick(conn) ?? this.backup.pick(conn);
    if (b !== undefined) {
      conn.connect(b);
      return;
    }
    const cfg = this.config;
    const why = this.waitReason(conn);
    const queued = this.queue.length;
    if ((why === 'pending-check' && queued < Math.max(cfg.maxQueue, PENDING_CHECK_QUEUE)) || (why === 'full' && queued < cfg.maxQueue)) {
      this.queue.add(conn, cfg.queueTimeoutMs);
      return;
    }
    this.reject(conn);
  }

  /**
   * Why waiting can help this client: a backend is still `unknown` — its first health check
   * has not finished, as right after a start or an add — so rejecting now would be premature
   * ('pending-check'); or an eligible backend it has not tried is only full ('full', worth it
   * when the operator allowed a queue). null: nothing to wait for.
   */
  private waitReason(conn: Connection): 'pending-check' | 'full' | null {
    let full = false;
    for (const b of this.backends.values()) {
      if (conn.exclude !== null && conn.exclude.has(b)) continue;
      if (b.health === 'unknown' && b.adminState === 'enabled' && b.weight > 0) return 'pending-check';
      if (isEligible(b)) full = true;
    }
    return full ? 'full' : null;
  }

  reject(conn: Connection): void {
    this.rejected++;
    conn.fail('rejected');
  }

  /** Removes a connection from the queue (client left); no-op if it is not queued. */
  dequeue(conn: Connection): void {
    this.queue.remove(conn);
  }

  /** A slot may have freed up or the pool changed: let queued clients try again, in order. */
  serveQueue(): void {
    let conn: Connection | undefined;
    while ((conn = this.queue.first()) !== undefined) {
      const b = this.primary.pick(conn) ?? this.backup.pick(conn);
      if (b === undefined) {
        // Nothing to wait for any more (e.g. the pending first checks failed): reject now.
        if (this.waitReason(conn) !== null) return;
        this.dequeue(conn);
        this.reject(conn);
        continue;
      }
      this.dequeue(conn);
      conn.connect(b);
    }
  }

  /** ConnectionOwner: an attempt connected (its passive verdict follows with onRelayVerdict). */
  onConnected(backend: Backend): void {
    backend.total++;
  }

  /**
   * ConnectionOwner: a connected backend spoke or ended without fault (the passive streak
   * restarts), or reset / closed before its first byte (a passive failure, like a refused connect).
   */
  onRelayVerdict(b: Backend, failure: RelayFailure | null): void {
    if (failure !== null) {
      this.#passiveFailure(b, failure);
      return;
    }
    b.failStreak = 0;
    if (!b.removed) this.health?.reportSuccess(b.id);
  }

  /** One more consecutive real-traffic failure of `b`: the health checker (or the primary's, via the threshold event) decides. */
  #passiveFailure(b: Backend, reason: string): void {
    b.failStreak++;
    if (b.removed) return;
    if (this.health !== null) this.health.reportFailure(b.id, reason);
    else if (b.failStreak === this.config.healthCheck.passiveFailures) this.host.onPassiveThreshold(this, b, reason);
  }

  /**
   * ConnectionOwner: an attempt to `b` failed while the client waits. The one place that
   * decides what follows: a retry on another backend while the budget lasts, else a reject.
   */
  onConnectFailed(conn: Connection, b: Backend): void {
    const local = localErrno(conn.lastFailure);
    if (local !== null) {
      // Our own limit: not counted against the backend, and no retry (it would hit the same wall).
      this.host.onServiceError(this, local, `cannot open a connection to backend ${b.address}, the client was refused: ${describeErrno(local)}`);
      endDrainIfIdle(this, b);
      this.reject(conn);
      return;
    }
    b.connectFailures++;
    b.recentFailures.add(performance.now());
    this.#passiveFailure(b, conn.lastFailure);
    endDrainIfIdle(this, b);
    if (conn.attempts <= this.config.retries) {
      this.retries++;
      this.dispatch(conn);
    } else {
      this.reject(conn);
    }
  }

  /** ConnectionOwner: a connection is finalized; its backend slot is released. */
  onEnd(conn: Connection): void {
    this.active--;
    const b = conn.releaseBackend();
    if ((b === null || !endDrainIfIdle(this, b)) && this.retiredService && this.active === 0) this.host.onServiceGone(this);
    if (this.queue.length > 0) this.serveQueue();
  }

  /** Destroys every connection of this service (shutdown, or drain timeout of a removed service). */
  destroyAll(): void {
    for (const conn of this.queue.snapshot()) conn.destroy();
    for (const b of this.backends.values()) b.destroyConnections();
    for (const b of this.retired) b.destroyConnections();
  }

  /**
   * A drain deadline passed (shutdown timeout, reload drain limit): relaying connections end with
   * FIN both ways, the rest (queued, connecting: their clients got nothing yet) are destroyed.
   */
  endAll(): void {
    for (const conn of this.queue.snapshot()) conn.destroy();
    for (const b of this.backends.values()) b.endConnections();
    for (const b of this.retired) b.endConnections();
  }

  stats(): ServiceStats {
    const backends: BackendStats[] = [];
    const now = performance.now();
    for (const b of this.backends.values()) backends.push(backendStats(b, now, this.health?.detail(b.id) ?? null));
    for (const b of this.retired) backends.push(backendStats(b, now, null));
    let total = this.goneTotal;
    let bytesIn = this.goneBytesIn;
    let bytesOut = this.goneBytesOut;
    for (const b of backends) {
      total += b.total;
      bytesIn += b.bytesIn;
      bytesOut += b.bytesOut;
    }
    const addr = this.server.address();
    return {
      id: this.id,
      name: this.config.name,
      host: this.config.host,
      port: addr !== null && typeof addr === 'object' ? addr.port : this.config.port,
      listening: this.server.listening,
      active: this.active,
      total,
      rejected: this.rejected,
      queued: this.queue.length,
      retries: this.retries,
      bytesIn,
      bytesOut,
      backends,
    };
  }
}

/**
 * Clients that may wait for a backend's first health check even when maxQueue is 0. Bounded:
 * past it, clients are rejected as before.
 */
const PENDING_CHECK_QUEUE = 1024;

function backendStats(b: Backend, now: number, check: BackendStats['check']): BackendStats {
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
    check,
  };
}
