// One service: its listening socket, its backends, its strategy, and the rules for choosing
// and retrying. Its accept path (allow/deny, limits, PROXY header, SNI hand-over) is in
// service-accept.ts, waiting clients in wait-queue.ts (who may wait: wait-admission.ts),
// backend drains in backend-drain.ts, config changes to the backend list in
// backend-membership.ts, passive health in passive-failures.ts, agent checks and PROXY modes in
// service-agents.ts, the counters snapshot in service-stats.ts, maxConnectionLifetimeMs in
// connection-lifetime.ts, rebalances in backend-rebalances.ts and rebalance.ts.
import type { Server } from 'node:net';
import type { HealthState, ServiceConfig } from './config.ts';
import type { Strategy } from './strategy.ts';
import type { ServiceStats } from './stats.ts';
import type { ServiceHostOf } from './service-host.ts';
import { Backend } from './backend.ts';
import type { Connection, ConnectionIo, ConnectionOwner, RelayFailure } from './connection.ts';
import { describeErrno, localErrno } from './local-errors.ts';
import { handleIo } from './connector.ts';
import { getSystemErrorName } from 'node:util';
import { createStrategy } from './strategies/registry.ts';
import { HealthChecker } from './health/health-checker.ts';
import { advanceSlowStart, slowStartFactor } from './health/slow-start.ts';
import { AgentChecker } from './health/agent-checker.ts';
import { agentChanged, syncAgents, syncProxyProtocol } from './service-agents.ts';
import { WaitQueue } from './wait-queue.ts';
import { mayWait, waitReason } from './wait-admission.ts';
import { PassiveVerdicts } from './passive-failures.ts';
import { serviceStats } from './service-stats.ts';
import { endDrainIfIdle, type DrainOwner } from './backend-drain.ts';
import { ejectionCappedMessage, EJECTION_CAPPED } from './outlier/ejection-capped.ts';
import { applyBackends, detach } from './backend-membership.ts';
import { noRejections, type AcceptRejectReason } from '@fulcrum/shared/enums';
import { ServiceAccept, type AcceptingService } from './service-accept.ts';
import { LifetimeSweep } from './connection-lifetime.ts';
import type { Rebalance } from './rebalance.ts';
import { BackendRebalances } from './backend-rebalances.ts';

/** What a service needs from the load balancer that owns it. */
export type ServiceHost = ServiceHostOf<Service>;

/** One listening service: accepts clients and dispatches each to a backend. */
export class Service implements DrainOwner, ConnectionOwner, AcceptingService {
  readonly id: number;
  config: ServiceConfig;
  server: Server;
  readonly host: ServiceHost;
  /** How connections touch their handles: the relay (the load balancer's choice; tests pass their own), tuned per listener by listen(). */
  io: ConnectionIo;
  readonly #baseIo: ConnectionIo;
  /** Backends in the config, by id. */
  readonly backends = new Map<number, Backend>();
  /** Backends removed from the config that still drain connections. */
  readonly retired = new Set<Backend>();
  primary: Strategy<Backend>;
  backup: Strategy<Backend>;
  /** null when health is driven from outside (worker processes: the primary checks once). */
  readonly health: HealthChecker<number> | null;
  /** Agent checks (README "Agent checks"): run in every process, each asks the agents itself. */
  readonly agents: AgentChecker;
  retiredService = false;

  active = 0;
  rejected = 0;
  /** Clients refused at accept, by reason (service-accept.ts, sni-peek.ts). */
  readonly rejectedByReason: Record<AcceptRejectReason, number> = noRejections();
  /** The accept path, with the allow/deny lists, limits and trusted PROXY senders it applies. */
  readonly admission: ServiceAccept;
  retries = 0;
  /** Passive health: what real traffic says of each backend (passive-failures.ts). */
  readonly #passive: PassiveVerdicts<Service> = new PassiveVerdicts<Service>(this);
  // Service totals are the sum of its backends' counters (taken in stats(), not per chunk),
  // plus these: the counters of removed backends that finished draining.
  goneTotal = 0;
  goneBytesIn = 0;
  goneBytesOut = 0;
  /** Clients waiting for a backend slot. */
  readonly queue = new WaitQueue((conn) => this.reject(conn));
  /** maxConnectionLifetimeMs: one timer for the whole service, only while it is set. */
  readonly #lifetime = new LifetimeSweep(this);
  /** The running rebalance of each backend (backend-rebalances.ts). */
  readonly #rebalances = new BackendRebalances({
    started: (r) => this.host.onRebalanceStart(this, r),
    ended: (r, outcome) => this.host.onRebalanceEnd(this, r, outcome),
  });

  /** Call attach() to start accepting on `server`. */
  constructor(config: ServiceConfig, server: Server, host: ServiceHost, io: ConnectionIo = handleIo) {
    this.id = config.id;
    this.config = config;
    this.host = host;
    this.io = io;
    this.#baseIo = io;
    this.server = server;
    this.admission = new ServiceAccept(this, config);
    this.primary = createStrategy(config.strategy, { options: config.strategyOptions, random: host.random });
    this.backup = createStrategy(config.strategy, { options: config.strategyOptions, random: host.random });
    for (const b of config.backends) this.backends.set(b.id, new Backend(b));
    syncProxyProtocol(this);
    this.health = host.externalHealth
      ? null
      : new HealthChecker<number>({
          config: config.healthCheck,
          random: host.random,
          onChange: (id, from, to, reason) => this.setHealth(id, from, to, reason),
          onEjectionCapped: (id, reason, ejected, allowed, total) =>
            host.onServiceError(this, EJECTION_CAPPED, ejectionCappedMessage(this.backends.get(id)?.address ?? `#${id}`, reason, ejected, allowed, total, this.config.healthCheck.maxEjectionPercent)),
        });
    this.agents = new AgentChecker((id, view, previous) => agentChanged(this, id, view, previous), host.random);
    syncAgents(this);
    this.refreshStrategies();
    this.health?.setTargets([...this.backends.values()]);
    this.#lifetime.sync();
  }

  /** Records a health transition of backend `id` and acts on it. */
  setHealth(id: number, from: HealthState, to: HealthState, reason: string): void {
    const b = this.backends.get(id);
    if (b === undefined || b.health === to) return;
    b.health = to;
    // A new verdict starts a new passive streak (else an external-health backend that came
    // back could never be ejected again: the threshold event fires on equality).
    b.failStreak = 0;
    this.#passive.outcomes.reset(id);
    if (to === 'up') {
      b.upSince = performance.now();
      // Slow start only after a recovery, not when the balancer itself starts.
      b.slowFactor = from === 'down' && this.config.healthCheck.slowStartMs > 0 ? slowStartFactor(0, this.config.healthCheck.slowStartMs) : 1;
      b.applyWeight();
    }
    this.refreshStrategies();
    this.host.onHealth(this, b, from, to, reason);
    if (to === 'down' && this.config.healthCheck.closeOnDown) b.destroyConnections();
    this.serveQueue();
  }

  /**
   * Serves the clients of listening socket `server` (listener-table.ts calls it on every apply).
   * `accepting`: the service accepts on it itself (its own address); false: the address is
   * shared and its SNI peek hands clients over (admission.accept with the bytes it read).
   */
  attach(server: Server, accepting: boolean): void {
    this.server = server;
    this.io = this.#baseIo.forListener?.(server) ?? this.#baseIo;
    if (!accepting) return;
    const admission = this.admission;
    this.io.acceptFrom(server, (client) => admission.accept(client, null), (status) => this.onAcceptError(status));
  }

  /** The listening socket failed to accept one client. */
  onAcceptError(status: number): void {
    this.host.onServiceError(this, getSystemErrorName(status), `cannot accept a client: ${describeErrno(status)}`);
  }

  /**
   * Applies a new config for this service. Never touches established connections (new allow/deny
   * lists, limits and PROXY protocol settings apply to clients accepted and backend connections
   * opened from now on, as in HAProxy).
   */
  update(config: ServiceConfig): void {
    const old = this.config;
    this.config = config;
    this.admission.configure(config);
    if (old.strategy !== config.strategy || JSON.stringify(old.strategyOptions) !== JSON.stringify(config.strategyOptions)) {
      this.primary = createStrategy(config.strategy, { options: config.strategyOptions, random: this.host.random });
      this.backup = createStrategy(config.strategy, { options: config.strategyOptions, random: this.host.random });
    }
    applyBackends(this, config.backends);
    syncProxyProtocol(this);
    this.#rebalances.cancel(false);
    this.#lifetime.sync();
    this.#passive.outcomes.retain(new Set(config.backends.map((bc) => bc.id)));
    this.health?.updateConfig(config.healthCheck);
    this.health?.setTargets([...this.backends.values()]);
    syncAgents(this);
    this.refreshStrategies();
    this.serveQueue();
  }

  /**
   * The service was removed: stop accepting; established connections continue until they end
   * or drainTimeoutMs passes (0 = no limit), then they are closed.
   */
  retireAll(): void {
    this.retiredService = true;
    // Its listening socket is the listener table's: closed there once no service uses the address.
    this.admission.closePending();
    this.health?.close();
    this.agents.close();
    this.#lifetime.stop();
    this.#rebalances.cancel(true);
    for (const b of [...this.backends.values()]) detach(this, b);
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
    if (advanceSlowStart(this.backends.values(), this.config.healthCheck.slowStartMs, now)) this.refreshStrategies();
  }

  /** Re-feeds both strategies after any change to membership, weight, state or health. */
  refreshStrategies(): void {
    const primaries: Backend[] = [];
    const backups: Backend[] = [];
    for (const b of this.backends.values()) (b.backup ? backups : primaries).push(b);
    this.primary.update(primaries);
    this.backup.update(backups);
  }

  /** AcceptingService: a client refused by `limits`, reported at a bounded rate (service-error-gate.ts). */
  reportRefusal(code: string, message: string): void {
    this.host.onServiceError(this, code, message);
  }

  /** Picks a backend and connects, or queues, or rejects (a new connection, or a retry). */
  dispatch(conn: Connection): void {
    const b = this.primary.pick(conn) ?? this.backup.pick(conn);
    if (b !== undefined) {
      conn.connect(b);
      return;
    }
    if (mayWait(waitReason(this.backends.values(), conn.exclude), this.queue.length, this.config.maxQueue)) {
      this.queue.add(conn, this.config.queueTimeoutMs);
      return;
    }
    this.reject(conn);
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
        if (waitReason(this.backends.values(), conn.exclude) !== null) return;
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
    if (failure !== null) this.#passive.failure(b, failure);
    else this.#passive.success(b);
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
    this.#passive.failure(b, conn.lastFailure);
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
    if (conn.clientEntry !== null) this.admission.clientLimits?.release(conn.clientEntry);
    const b = conn.releaseBackend();
    if ((b === null || !endDrainIfIdle(this, b)) && this.retiredService && this.active === 0) this.host.onServiceGone(this);
    if (this.queue.length > 0) this.serveQueue();
  }

  /** Destroys every connection of this service (shutdown, or drain timeout of a removed service). */
  destroyAll(): void {
    this.admission.closePending();
    for (const conn of this.queue.snapshot()) conn.destroy();
    for (const b of this.backends.values()) b.destroyConnections();
    for (const b of this.retired) b.destroyConnections();
  }

  /**
   * A drain deadline passed (shutdown timeout, reload drain limit): relaying connections end with
   * FIN both ways, the rest (queued, connecting: their clients got nothing yet) are destroyed.
   */
  endAll(): void {
    this.admission.closePending();
    for (const conn of this.queue.snapshot()) conn.destroy();
    for (const b of this.backends.values()) b.endConnections();
    for (const b of this.retired) b.endConnections();
  }

  /**
   * Starts ending backend `backendId`'s relaying connections evenly over `windowMs` (rebalance.ts);
   * a rebalance of it still running is replaced. null: no such backend in the config.
   */
  rebalance(backendId: number, windowMs: number, id: number): Rebalance | null {
    const b = this.backends.get(backendId);
    return b === undefined ? null : this.#rebalances.start(b, windowMs, id);
  }

  /** The engine closes: no more timers of this service's own (lifetime sweep, rebalances). */
  stopTimers(): void {
    this.#lifetime.stop();
    this.#rebalances.cancel(true);
  }

  /** A snapshot of this service's counters (service-stats.ts). */
  stats(): ServiceStats {
    return serviceStats(this);
  }
}
