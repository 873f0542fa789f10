// The data plane's single entry point: apply(config), stats(), typed events, close().
import { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import type { AdminState, EngineConfig, HealthState } from './config.ts';
import type { EngineEvents, PassiveDetector } from './events.ts';
import type { EngineStats } from './stats.ts';
import type { AgentViewDto } from '@fulcrum/shared/api';
import type { Backend } from './backend.ts';
import type { Rebalance } from './rebalance.ts';
import type { RebalanceOutcome } from '@fulcrum/shared/enums';
import type { ServiceHost } from './service.ts';
import { Service } from './service.ts';
import { EngineClosedError, InvalidConfigError } from './errors.ts';
import { ListenerTable, groupByAddress, listenKey } from './listener-table.ts';
import { SNI_PEEK_DEFAULTS } from './sni-peek.ts';
import { validateConfig } from './validate-config.ts';
import { ewma } from './ewma.ts';
import { ENDING_GRACE_MS } from './connection.ts';
import { ServiceErrorGate } from './service-error-gate.ts';
import type { ConnectionIo } from './connection.ts';
import { chooseRelay, type RelayCheck, type RelayInfo, type RelayMode } from './relay-choice.ts';
import { closeBackendConnections, closeConnection, listConnections, type ConnectionQuery } from './connection-list.ts';
import type { ConnectionPageDto } from '@fulcrum/shared/connections';

export interface LoadBalancerOptions {
  /** Randomness for strategies (tests inject a seeded one). */
  random?: () => number;
  /**
   * `local` (default): each service runs its own active + passive health checks.
   * `external`: no checks here; backends stay `unknown` (unused) until setBackendHealth()
   * says otherwise, and a streak of `passiveFailures` connect failures emits
   * `passive-failure`. Worker processes use this so each backend is checked once, centrally.
   */
  health?: 'local' | 'external';
  /**
   * Bind service ports with SO_REUSEPORT (`exclusive`, so cluster workers each own a socket).
   * Only where Node supports it (22.12+, 23.1+); the caller decides.
   */
  reusePort?: boolean;
  /**
   * A listening socket this process inherited for an address (its file descriptor), to listen on
   * instead of binding: the hand-over from an older process (docs/UPGRADE.md). Asked once per
   * new or moved listener; the caller decides whether an fd may be used again.
   */
  inheritedListener?: (host: string, port: number) => number | undefined;
  /**
   * Which relay moves the bytes (README "Node releases"): `auto` (default) the native relay
   * where its check passes, else the net.Socket relay; `native` only the native relay (apply()
   * fails with FULCRUM_UNSUPPORTED_RUNTIME where its check fails); `socket` the net.Socket relay.
   * Decided at the first apply(); `relay` and stats() say which one runs.
   */
  relay?: RelayMode;
  /**
   * Replaces the native relay's check (the load-time check of Node's internals plus one
   * loopback round trip): [] = usable, else what is wrong. For tests of the fallback.
   */
  relayCheck?: RelayCheck;
  /**
   * Connection ids of this engine are connectionIdBase + 1, + 2, … (default 0): a worker process
   * starts at its worker id × WORKER_CONNECTION_ID_SPAN, so ids are unique across workers.
   */
  connectionIdBase?: number;
  /** Bounds of the ClientHello peek on a shared address (README "TLS SNI routing"): default 16 KiB and 5 s. */
  sniPeek?: { maxBytes?: number; timeoutMs?: number };
}

/** One listening socket, for a process that hands its sockets to another. */
export interface ListenerInfo {
  /** The (first) service on the address: several share one socket with SNI routing. */
  serviceId: number;
  host: string;
  port: number;
  server: Server;
}

export interface CloseOptions {
  /** Keep established connections until they end or `timeoutMs` passes (default: close at once). */
  drain?: boolean;
  /** With `drain`: the deadline in ms (default 30 000); Infinity = none, each connection ends by itself. */
  timeoutMs?: number;
  /**
   * What happens to connections still open at the deadline (at once without `drain`).
   * false (default): closed at once — bytes not yet written are dropped, and a peer whose bytes
   * were not read yet gets an RST. true: each ends with FIN both ways (Connection.endGracefully):
   * the backend gets FIN after what was relayed to it, the replies it still sends reach the client
   * before the client's FIN, each peer gets ENDING_GRACE_MS to close its side and only one that
   * keeps it open past that is closed hard. close() then resolves when the last connection has
   * ended: at most 2 × ENDING_GRACE_MS after the deadline.
   */
  graceful?: boolean;
}

/** Drain deadline of close({ drain: true }) without timeoutMs. */
const DEFAULT_DRAIN_MS = 30_000;
/** How often close() looks whether the last connection has ended. */
const CLOSE_POLL_MS = 50;

/** How often bandwidth EWMAs and slow-start weights are recomputed. */
const TICK_MS = 1000;
const BANDWIDTH_EWMA_ALPHA = 0.5;

/** The data plane: one listener per service, splicing clients to backends. */
export class LoadBalancer extends EventEmitter<EngineEvents> implements ServiceHost {
  readonly random: () => number;
  readonly externalHealth: boolean;
  readonly #relayMode: RelayMode;
  readonly #relayCheck: RelayCheck | undefined;
  /** The relay, chosen at the first apply(); every service runs it. */
  #relay: { info: RelayInfo; io: ConnectionIo } | undefined;
  #lastConnectionId: number;
  /** The listening sockets, one per address (listener-table.ts). */
  readonly #listeners: ListenerTable;
  #services = new Map<number, Service>();
  /** Services removed from the config whose connections still drain. */
  #retired = new Set<Service>();
  #config: EngineConfig = { services: [] };
  #applying: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Date.now() by which close() stops waiting for connections to end by themselves. */
  #deadline = 0;
  #tick: NodeJS.Timeout;
  /** Ids of rebalances started without one. */
  #rebalanceSeq = 0;
  #lastTick = performance.now();
  /** Rate bound of service-error events (an EMFILE storm is one event per window, not thousands). */
  readonly #serviceErrors = new ServiceErrorGate((serviceId, code, message) => this.#emitServiceError(serviceId, code, message));

  constructor(opts: LoadBalancerOptions = {}) {
    super();
    this.random = opts.random ?? Math.random;
    this.externalHealth = opts.health === 'external';
    this.#relayMode = opts.relay ?? 'auto';
    this.#relayCheck = opts.relayCheck;
    this.#lastConnectionId = opts.connectionIdBase ?? 0;
    this.#listeners = new ListenerTable({
      reusePort: opts.reusePort === true,
      inherited: opts.inheritedListener,
      peek: { ...SNI_PEEK_DEFAULTS, ...opts.sniPeek },
      onListenerError: (serviceId, err) => this.#onListenerError(serviceId, err),
    });
    this.#tick = setInterval(() => this.#onTick(), TICK_MS);
    this.#tick.unref();
  }

  /**
   * Makes `config` the running configuration, diffing against the current one: new
   * listeners are bound first; if any bind fails, or the config is invalid, it throws an
   * EngineError and nothing changed. Established connections are never cut by a change;
   * removed backends and services drain.
   */
  apply(config: EngineConfig): Promise<void> {
    const run = this.#applying.then(() => this.#apply(config));
    this.#applying = run.catch(() => undefined);
    return run;
  }

  async #apply(config: EngineConfig): Promise<void> {
    if (this.#closed) throw new EngineClosedError();
    validateConfig(config);
    this.#relay ??= await chooseRelay(this.#relayMode, this.#relayCheck);
    const io = this.#relay.io;
    // Phase 1 (can fail): bind every address no service listens on yet. Nothing else is touched yet.
    const groups = groupByAddress(config);
    const bound = await this.#listeners.bindNew(groups);
    if (this.#closed) {
      for (const s of bound.values()) s.close();
      throw new EngineClosedError();
    }
    // Phase 2: swap in the new state synchronously. No I/O here can fail; but the swap emits
    // events (backend-state, backend-drained, backend-health) and EventEmitter rethrows a
    // listener's exception, which would leave the swap half done: listeners must not throw.
    const keep = new Set<number>();
    for (const sc of config.services) {
      keep.add(sc.id);
      const cur = this.#services.get(sc.id);
      // The listener table below attaches each service to its socket (and accepts for it).
      if (cur === undefined) this.#services.set(sc.id, new Service(sc, this.#listeners.serverOf(listenKey(sc), bound), this, io));
      else cur.update(sc);
    }
    for (const [id, svc] of this.#services) if (!keep.has(id)) this.#retireService(svc);
    this.#listeners.commit(groups, bound, this.#services, io);
    this.#config = structuredClone(config);
  }

  #retireService(svc: Service): void {
    this.#services.delete(svc.id);
    this.#retired.add(svc);
    svc.retireAll();
  }


  /** The config last applied successfully. */
  get config(): EngineConfig {
    return this.#config;
  }

  /** The relay in use and why it is not the native one; null before the first apply() chose it. */
  get relay(): RelayInfo | null {
    return this.#relay?.info ?? null;
  }

  /** A snapshot of every counter. Cheap: call it a few times a second. */
  stats(): EngineStats {
    const services = [];
    for (const svc of this.#services.values()) services.push(svc.stats());
    return { time: Date.now(), services, ...(this.#relay !== undefined ? { relay: this.#relay.info } : {}) };
  }

  /** External health mode: sets a backend's health as decided elsewhere (the primary's checks). */
  setBackendHealth(serviceId: number, backendId: number, health: HealthState, reason: string): void {
    const svc = this.#services.get(serviceId);
    const b = svc?.backends.get(backendId);
    if (svc === undefined || b === undefined) return;
    svc.setHealth(backendId, b.health, health, reason);
  }

  /**
   * Tells this engine how many connections other processes hold per backend of a service, so
   * load-aware strategies and maxConnections see the whole picture. Unlisted backends → 0.
   */
  setRemoteLoad(serviceId: number, activeByBackend: Readonly<Record<number, number>>): void {
    const svc = this.#services.get(serviceId);
    if (svc === undefined) return;
    for (const b of svc.backends.values()) b.remoteActive = activeByBackend[b.id] ?? 0;
  }

  /**
   * Rebalances backend `backendId` of service `serviceId`: its connections relaying now are ended
   * gracefully (FIN both ways, replies in flight delivered), evenly spread over `windowMs`, while
   * it stays in rotation. A rebalance of the same backend still running is replaced; removing
   * the backend cancels it. Emits `rebalance-started` now and `rebalance-ended` once. `id` names
   * it in both (default: the next of this engine's own). null: no such service or backend.
   */
  rebalance(serviceId: number, backendId: number, windowMs: number, id?: number): { rebalanceId: number; connections: number } | null {
    if (this.#closed) return null;
    if (!Number.isFinite(windowMs) || windowMs <= 0) throw new InvalidConfigError('windowMs must be a positive number of milliseconds', 'windowMs');
    const svc = this.#services.get(serviceId);
    const r = svc?.rebalance(backendId, windowMs, id ?? ++this.#rebalanceSeq) ?? null;
    return r === null ? null : { rebalanceId: r.id, connections: r.connections };
  }

  /** ServiceHost: the id of a connection being accepted. */
  nextConnectionId(): number {
    return ++this.#lastConnectionId;
  }

  /** One page of a service's live connections (connection-list.ts); an unknown service has none. */
  listConnections(serviceId: number, query: ConnectionQuery = {}): ConnectionPageDto {
    const svc = this.#services.get(serviceId);
    return svc === undefined ? { connections: [], next: null } : listConnections(svc, query);
  }

  /** Closes one connection of a service at once (both sides); false if it has no such connection. */
  closeConnection(serviceId: number, connectionId: number): boolean {
    const svc = this.#services.get(serviceId);
    return svc !== undefined && closeConnection(svc, connectionId);
  }

  /** Closes every connection a backend of a service holds; returns how many. */
  closeBackendConnections(serviceId: number, backendId: number): number {
    const svc = this.#services.get(serviceId);
    return svc === undefined ? 0 : closeBackendConnections(svc, backendId);
  }

  /** The port a service actually listens on (useful with port 0). */
  listenPort(serviceId: number): number | undefined {
    const addr = this.#services.get(serviceId)?.server.address();
    return addr !== null && typeof addr === 'object' ? addr.port : undefined;
  }

  /** Every listening socket of the configured services, one per address (not those of removed services). */
  listeningSockets(): ListenerInfo[] {
    return this.#listeners.entries().map((e) => ({ serviceId: e.serviceIds[0] as number, host: e.host, port: e.port, server: e.server }));
  }

  /**
   * Stops listening and closes (or drains) every connection. Called again while it drains, it
   * brings the deadline forward (never back: a shutdown during a reload's unlimited drain) and
   * resolves with the first call.
   */
  close(opts: CloseOptions = {}): Promise<void> {
    const deadline = opts.drain === true ? Date.now() + (opts.timeoutMs ?? DEFAULT_DRAIN_MS) : Date.now();
    if (this.#closing !== undefined) {
      this.#deadline = Math.min(this.#deadline, deadline);
      return this.#closing;
    }
    this.#closed = true;
    this.#deadline = deadline;
    this.#closing = this.#close(opts.graceful === true);
    return this.#closing;
  }

  async #close(graceful: boolean): Promise<void> {
    await this.#applying;
    clearInterval(this.#tick);
    this.#serviceErrors.close();
    const all = [...this.#services.values(), ...this.#retired];
    // Stop accepting now. server.close()'s callback waits for every accepted socket to end,
    // so it is not awaited: the drain below has its own deadline.
    this.#listeners.closeAll();
    for (const svc of all) {
      // Clients still sending their PROXY header got nothing yet: closed, not waited for.
      svc.admission.closePending();
      svc.stopTimers();
    }
    const busy = (): boolean => all.some((s) => s.active > 0);
    while (Date.now() < this.#deadline && busy()) await sleep(CLOSE_POLL_MS);
    if (graceful && busy()) {
      for (const svc of all) svc.endAll();
      // Each connection bounds its own ending (two graces); this only stops waiting for it.
      const bound = Date.now() + 2 * ENDING_GRACE_MS + CLOSE_POLL_MS;
      while (Date.now() < bound && busy()) await sleep(CLOSE_POLL_MS);
    }
    for (const svc of all) {
      svc.health?.close();
      svc.agents.close();
      svc.destroyAll();
      for (const b of svc.backends.values()) b.clearDrainTimer();
      for (const b of svc.retired) b.clearDrainTimer();
    }
    this.#services.clear();
    this.#retired.clear();
  }

  #onTick(): void {
    const now = performance.now();
    const dt = (now - this.#lastTick) / 1000;
    this.#lastTick = now;
    if (dt <= 0) return;
    for (const svc of this.#services.values()) {
      svc.tickSlowStart(now);
      for (const b of svc.backends.values()) {
        const bytes = b.bytesIn + b.bytesOut;
        b.bandwidthEwma = ewma(b.bandwidthEwma, (bytes - b.lastBytes) / dt, BANDWIDTH_EWMA_ALPHA);
        b.lastBytes = bytes;
      }
    }
  }

  // ServiceHost callbacks.
  onDrained(service: Service, backend: Backend, closedByTimeout: number): void {
    this.emit('backend-drained', {
      time: Date.now(),
      serviceId: service.id,
      serviceName: service.config.name,
      backendId: backend.id,
      address: backend.address,
      closedByTimeout,
      removed: backend.removed,
    });
  }

  onHealth(service: Service, backend: Backend, from: HealthState, to: HealthState, reason: string): void {
    this.emit('backend-health', { time: Date.now(), serviceId: service.id, serviceName: service.config.name, backendId: backend.id, address: backend.address, from, to, reason });
  }

  onAgent(service: Service, backend: Backend, view: AgentViewDto, previous: AgentViewDto): void {
    this.emit('backend-agent', {
      time: Date.now(),
      serviceId: service.id,
      serviceName: service.config.name,
      backendId: backend.id,
      address: backend.address,
      from: previous.state,
      to: view.state,
      weightPercent: view.weightPercent,
      effectiveWeight: backend.effectiveWeight,
      reason: view.reason,
      error: view.error,
    });
  }

  onPassiveThreshold(service: Service, backend: Backend, reason: string, detector: PassiveDetector): void {
    this.emit('passive-failure', { time: Date.now(), serviceId: service.id, serviceName: service.config.name, backendId: backend.id, address: backend.address, reason, streak: backend.failStreak, detector });
  }

  onStateChange(service: Service, backend: Backend, from: AdminState): void {
    this.emit('backend-state', { time: Date.now(), serviceId: service.id, serviceName: service.config.name, backendId: backend.id, address: backend.address, from, to: backend.adminState });
  }

  onServiceError(service: Service, code: string, message: string): void {
    this.#serviceErrors.add(service.id, code, message);
  }

  /** A listening socket reported an error after it was bound (it keeps listening). */
  #onListenerError(serviceId: number, err: NodeJS.ErrnoException): void {
    const code = err.code ?? 'ERR_LISTENER';
    this.#serviceErrors.add(serviceId, code, `listener error: ${err.message}`);
  }

  #emitServiceError(serviceId: number, code: string, message: string): void {
    const svc = this.#services.get(serviceId) ?? [...this.#retired].find((s) => s.id === serviceId);
    this.emit('service-error', { time: Date.now(), serviceId, serviceName: svc?.config.name, code, message });
  }

  onRebalanceStart(service: Service, r: Rebalance): void {
    this.emit('rebalance-started', {
      time: Date.now(),
      serviceId: service.id,
      serviceName: service.config.name,
      backendId: r.backend.id,
      address: r.backend.address,
      rebalanceId: r.id,
      windowMs: r.windowMs,
      connections: r.connections,
    });
  }

  onRebalanceEnd(service: Service, r: Rebalance, outcome: RebalanceOutcome): void {
    this.emit('rebalance-ended', {
      time: Date.now(),
      serviceId: service.id,
      serviceName: service.config.name,
      backendId: r.backend.id,
      address: r.backend.address,
      rebalanceId: r.id,
      closed: r.closed,
      outcome,
    });
  }

  onServiceGone(service: Service): void {
    this.#retired.delete(service);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates a data plane with no services; call apply() to start listening. */
export function createLoadBalancer(opts: LoadBalancerOptions = {}): LoadBalancer {
  return new LoadBalancer(opts);
}

