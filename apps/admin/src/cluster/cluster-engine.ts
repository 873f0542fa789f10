// ClusterEngine: the primary's stand-in for a LoadBalancer when engines run in N worker
// processes. Same narrow interface (DataPlane), so routes, store and config service do not know.
//
// apply(config) is all-or-nothing across workers: a versioned snapshot goes to every live worker
// and the promise resolves only when all acknowledged that version. If any refuses (or does not
// answer in time), those that took it are put back on the previous snapshot and the error is the
// same EngineError an in-process apply would throw — so a 2xx still means "live everywhere".
import { EventEmitter } from 'node:events';
import { EngineClosedError, EngineError, InvalidConfigError, ListenError, ServiceErrorGate, WorkerUnavailableError, validateConfig } from '@fulcrum/engine';
import type { CloseOptions, ConnectionQuery, EngineConfig, EngineEvents, EngineStats } from '@fulcrum/engine';
import type { ConnectionPageDto } from '@fulcrum/shared/connections';
import { mergeConnectionPages, workerOfConnection } from './connection-pages.ts';
import { formatAddress } from '@fulcrum/shared/address';
import { reusePortStatus, setupCluster } from './cluster-setup.ts';
import type { SchedulingPolicy } from './cluster-setup.ts';
import type { DataPlane } from '../data-plane/data-plane.ts';
import { EventRelay } from './event-relay.ts';
import { RebalanceRelay } from './rebalance-relay.ts';
import { HealthHub } from './health-hub.ts';
import type { HealthChange } from './health-hub.ts';
import type { FromWorker, WireError } from './protocol.ts';
import { RELAY_ENV } from './protocol.ts';
import { RetiredTotals, mergeStats, remoteLoad } from './stats-merge.ts';
import type { ApplyOutcome, WorkerHandle } from './worker-handle.ts';
import { WorkerPool } from './worker-pool.ts';
import type { ReloadResult } from './worker-pool.ts';
import { describeWorkers } from './workers-info.ts';
import { ACCESS_LOG_ENV } from '../data-plane/access-log.ts';
import type { RelayMode } from '@fulcrum/shared/enums';
import type { ClusterInfo } from './workers-info.ts';
import type { InheritedSocket } from '../handover/handover-protocol.ts';
import { InheritedListeners } from './inherited-listeners.ts';

export interface ClusterEngineOptions {
  /** Worker processes (≥ 2; 1 means the in-process engine instead). */
  workers: number;
  /** How long the previous generation drains after a reload; undefined = until its connections end. */
  reloadDrainLimitMs?: number | undefined;
  /** Problems worth an operator's attention (crashes, refused reloads); default stderr. */
  warn?: (line: string) => void;
  /** How long one worker may take to acknowledge a config (default 15 s). */
  ackTimeoutMs?: number;
  /** How long a new worker may take to load (default 60 s). */
  startTimeoutMs?: number;
  /** Workers write the access log (see access-log.ts). */
  accessLog?: boolean;
  /** Listening sockets this process inherited from its predecessor (docs/UPGRADE.md). */
  inherited?: readonly InheritedSocket[];
  /** --relay: which relay every worker's engine runs (default auto). */
  relay?: RelayMode;
}

const DEFAULT_ACK_TIMEOUT_MS = 15_000;
/** How long a worker may take to answer a connection-list question (it answers between two messages). */
const QUERY_TIMEOUT_MS = 5000;

/** Engines in worker processes behind the DataPlane interface. */
export class ClusterEngine extends EventEmitter<EngineEvents> implements DataPlane {
  readonly schedulingPolicy: SchedulingPolicy;
  readonly #pool: WorkerPool;
  readonly #health: HealthHub;
  /** Rate bound of the service errors the primary itself raises (ejections refused by maxEjectionPercent). */
  readonly #serviceErrors = new ServiceErrorGate((serviceId, code, message) =>
    this.emit('service-error', { time: Date.now(), serviceId, serviceName: this.#config.services.find((s) => s.id === serviceId)?.name, code, message }),
  );
  readonly #relay: EventRelay;
  readonly #rebalances = new RebalanceRelay({
    started: (event) => this.emit('rebalance-started', event),
    ended: (event) => this.emit('rebalance-ended', event),
  });
  #rebalanceSeq = 0;
  readonly #retired = new RetiredTotals();
  /** Per backend, what the last agent event said: every worker asks the agent itself, the log gets one event per change. */
  readonly #agentSaid = new Map<string, string>();
  readonly #warn: (line: string) => void;
  readonly #ackTimeoutMs: number;
  #config: EngineConfig = { services: [] };
  /** Version of the committed config (what every live worker runs). */
  #version = 0;
  #lastVersion = 0;
  #chain: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #onProcessExit = (): void => this.terminate();
  readonly #inherited: InheritedListeners;

  /** Forks the workers and resolves once every one of them is ready (with an empty config). */
  static async start(opts: ClusterEngineOptions): Promise<ClusterEngine> {
    const engine = new ClusterEngine(opts, setupCluster());
    try {
      await engine.#pool.start();
    } catch (err) {
      await engine.close();
      throw err;
    }
    return engine;
  }

  private constructor(opts: ClusterEngineOptions, policy: SchedulingPolicy) {
    super();
    this.schedulingPolicy = policy;
    this.#warn = opts.warn ?? ((line) => process.stderr.write(`fulcrum: ${line}\n`));
    this.#ackTimeoutMs = opts.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.#inherited = new InheritedListeners(opts.inherited ?? []);
    this.#health = new HealthHub(
      (change) => this.#onHealth(change),
      (capped) => this.#serviceErrors.add(capped.serviceId, capped.code, capped.message),
    );
    this.#relay = new EventRelay({
      backendState: (event) => this.emit('backend-state', event),
      backendDrained: (event) => this.emit('backend-drained', event),
    });
    this.#pool = new WorkerPool({
      size: opts.workers,
      reloadDrainLimitMs: opts.reloadDrainLimitMs,
      startTimeoutMs: opts.startTimeoutMs,
      // Always set, so a FULCRUM_ACCESS_LOG inherited from the environment cannot disagree with us.
      env: { [ACCESS_LOG_ENV]: opts.accessLog ? '1' : '0', [RELAY_ENV]: opts.relay ?? 'auto' },
      bootstrap: (h) => this.#bootstrap(h),
      onMessage: (h, message) => this.#onMessage(h, message),
      onExit: (h) => this.#onExit(h),
      warn: this.#warn,
    });
    // If the primary goes down without closing us, its workers must not outlive it.
    process.once('exit', this.#onProcessExit);
  }

  /** The config every live worker runs. */
  get config(): EngineConfig {
    return this.#config;
  }

  apply(config: EngineConfig): Promise<void> {
    return this.#serialize(() => this.#apply(config)).catch(rethrowAsEngineError);
  }

  /** Counters summed over workers (each at most one batch old), plus those of exited workers. */
  stats(): EngineStats {
    const reports: EngineStats[] = [];
    for (const h of this.#pool.handles) if (h.stats !== undefined) reports.push(h.stats);
    return mergeStats(
      this.#config,
      reports,
      this.#retired,
      (serviceId, backendId) => this.#health.state(serviceId, backendId),
      (serviceId) => this.#health.ejectionsCapped(serviceId),
      (serviceId, backendId) => this.#health.detail(serviceId, backendId),
    );
  }

  listenPort(serviceId: number): number | undefined {
    for (const h of this.#pool.handles) {
      const port = h.stats?.services.find((s) => s.id === serviceId)?.port;
      if (port !== undefined && port !== 0) return port;
    }
    const configured = this.#config.services.find((s) => s.id === serviceId)?.port;
    return configured === 0 ? undefined : configured;
  }

  /** Sends the rebalance to every live worker (each spreads its own connections); one pair of events follows (rebalance-relay.ts). */
  rebalance(serviceId: number, backendId: number, windowMs: number): { rebalanceId: number; connections: null } | null {
    if (this.#closed) return null;
    const known = this.#config.services.find((s) => s.id === serviceId)?.backends.some((b) => b.id === backendId) ?? false;
    if (!known) return null;
    const targets = this.#pool.live();
    if (targets.length === 0) throw new WorkerUnavailableError('FULCRUM_NO_WORKER', 'no engine worker is running right now (they are being restarted); nothing was rebalanced');
    const rebalanceId = ++this.#rebalanceSeq;
    this.#rebalances.begin(rebalanceId, targets.map((h) => h.id));
    for (const h of targets) h.send({ type: 'rebalance', rebalanceId, serviceId, backendId, windowMs });
    return { rebalanceId, connections: null };
  }

  /** One page of a service's connections over every worker still holding some (live or draining). */
  async listConnections(serviceId: number, query: ConnectionQuery = {}): Promise<ConnectionPageDto> {
    const answers = await Promise.all(this.#pool.handles.map((h) => h.request({ type: 'list-connections', serviceId, query }, QUERY_TIMEOUT_MS)));
    const pages = answers.flatMap((a) => (a?.type === 'connections' ? [a.page] : []));
    return mergeConnectionPages(pages, query.limit);
  }

  /** Closes one connection; its id names the worker holding it. false if no worker has it. */
  async closeConnection(serviceId: number, connectionId: number): Promise<boolean> {
    const h = this.#pool.handles.find((w) => w.id === workerOfConnection(connectionId));
    if (h === undefined) return false;
    const answer = await h.request({ type: 'close-connections', serviceId, connectionId }, QUERY_TIMEOUT_MS);
    return answer?.type === 'connections-closed' && answer.closed > 0;
  }

  /** Closes every connection of one backend in every worker; returns how many. */
  async closeBackendConnections(serviceId: number, backendId: number): Promise<number> {
    const answers = await Promise.all(this.#pool.handles.map((h) => h.request({ type: 'close-connections', serviceId, backendId }, QUERY_TIMEOUT_MS)));
    return answers.reduce((sum, a) => sum + (a?.type === 'connections-closed' ? a.closed : 0), 0);
  }

  /** Starts a new generation of workers with the current code and config, then drains the old one. */
  reload(): Promise<ReloadResult> {
    if (this.#closed) return Promise.reject(new EngineClosedError());
    return this.#pool.reload().catch(rethrowAsEngineError);
  }

  /** Every service's listening socket as a descriptor of this process, for a successor (docs/UPGRADE.md). */
  listeningSockets(): Promise<{ listeners: InheritedSocket[]; release(): void }> {
    return this.#serialize(async () => {
      const worker = this.#pool.live()[0];
      if (worker === undefined) throw new WorkerUnavailableError('FULCRUM_NO_WORKER', 'no engine worker is running right now to hand its listening sockets over');
      const received = await worker.collectListeners(this.#ackTimeoutMs);
      return {
        listeners: received.map((l) => ({ host: l.host, port: l.port, fd: l.handle.fd })),
        release: () => received.forEach((l) => l.handle.close()),
      };
    });
  }

  /** One banner line: `2 engine workers (pids 11, 12), round-robin accept in the primary`. */
  describe(): string {
    const pids = this.#pool.handles.map((h) => h.pid).join(', ');
    const how = this.schedulingPolicy === 'rr' ? 'the primary accepts and hands connections round-robin' : 'workers accept on a shared socket';
    return `${this.#pool.handles.length} engine workers (pids ${pids}); ${how}`;
  }

  /** Workers, versions and per-worker counters (GET /api/workers). */
  info(): ClusterInfo {
    return describeWorkers({
      policy: this.schedulingPolicy,
      reusePort: reusePortStatus(),
      configVersion: this.#version,
      generation: this.#pool.generation,
      restarts: this.#pool.restarts,
      reloadDrainLimitMs: this.#pool.reloadDrainLimitMs,
      workers: this.#pool.handles,
    });
  }

  /** Stops every worker: they stop accepting, drain for at most `timeoutMs` (if `drain`), then exit; again, a sooner deadline. */
  close(opts: CloseOptions = {}): Promise<void> {
    if (this.#closing !== undefined) {
      // Closing already (a drain without limit, say): a sooner deadline applies to every worker.
      void this.#pool.stop(opts.drain === true ? (opts.timeoutMs ?? 30_000) : 0);
      return this.#closing;
    }
    this.#closed = true;
    this.#closing = (async () => {
      await this.#chain;
      await this.#pool.stop(opts.drain === true ? (opts.timeoutMs ?? 30_000) : 0);
      this.#health.close();
      this.#serviceErrors.close();
      process.off('exit', this.#onProcessExit);
    })();
    return this.#closing;
  }

  /** Kills every worker at once (a second shutdown signal). */
  terminate(): void {
    this.#closed = true;
    this.#pool.killAll();
    this.#health.close();
    this.#serviceErrors.close();
  }

  #serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #apply(config: EngineConfig): Promise<void> {
    if (this.#closed) throw new EngineClosedError();
    validateConfig(config); // the same InvalidConfigError as in-process, before any worker hears of it
    const next = structuredClone(config);
    const previous = this.#config;
    const targets = this.#pool.live();
    // With no live worker nothing could check the change (a port in use, say): refuse it.
    if (targets.length === 0) throw new WorkerUnavailableError('FULCRUM_NO_WORKER', 'no engine worker is running right now (they are being restarted); nothing was changed');
    const version = ++this.#lastVersion;
    this.#relay.begin(version);
    const table = this.#health.table(next);
    const outcomes = await Promise.all(targets.map((h) => h.apply(version, next, table, this.#ackTimeoutMs, this.#inherited.fdsFor(next))));
    const failed = outcomes.findIndex((o) => o.kind === 'failed' || o.kind === 'timeout');
    if (failed < 0) {
      this.#config = next;
      this.#version = version;
      this.#health.sync(next);
      const holders = new Map(targets.filter((h) => h.state !== 'exited').map((h) => [h.id, h.stats] as const));
      this.#relay.commit(previous, next, holders);
      this.#retired.prune(next);
      this.#inherited.keepOnly(next);
      return;
    }
    this.#relay.abort();
    outcomes.forEach((o, i) => {
      if (o.kind !== 'timeout') return;
      const h = targets[i] as WorkerHandle;
      this.#warn(`worker ${h.id} (pid ${h.pid}) did not confirm config version ${version} in time; restarting it`);
      h.kill();
    });
    const took = targets.filter((_, i) => outcomes[i]?.kind === 'ok');
    const back = this.#health.table(previous);
    const undone = await Promise.all(took.map((h) => h.apply(this.#version, previous, back, this.#ackTimeoutMs, this.#inherited.fdsFor(previous))));
    undone.forEach((o, i) => {
      if (o.kind === 'ok' || o.kind === 'gone') return;
      const h = took[i] as WorkerHandle;
      this.#warn(`worker ${h.id} (pid ${h.pid}) could not return to config version ${this.#version}; restarting it`);
      h.kill(); // its replacement starts from the committed config
    });
    throw toError(outcomes[failed] as ApplyOutcome, targets[failed] as WorkerHandle, version, next);
  }

  /** A started worker takes the committed config and becomes live, between two applies. */
  #bootstrap(h: WorkerHandle): Promise<void> {
    return this.#serialize(async () => {
      if (this.#closed) throw new EngineClosedError();
      const outcome = await h.apply(this.#version, this.#config, this.#health.table(this.#config), this.#ackTimeoutMs, this.#inherited.fdsFor(this.#config));
      if (outcome.kind !== 'ok') throw toError(outcome, h, this.#version, this.#config);
      if (h.state !== 'starting') throw new WorkerUnavailableError('FULCRUM_WORKER_EXITED', `worker ${h.id} (pid ${h.pid}) exited while starting`);
      h.state = 'live';
      h.liveSince = Date.now();
    });
  }

  #onMessage(h: WorkerHandle, message: FromWorker): void {
    if (message.type === 'stats') {
      h.stats = message.stats;
      if (message.final || h.state === 'exited') return;
      // One answer per batch: what the other workers hold, for load-aware strategies there.
      const others: EngineStats[] = [];
      for (const o of this.#pool.handles) if (o !== h && o.stats !== undefined) others.push(o.stats);
      h.send({ type: 'remote-load', load: remoteLoad(others) });
      return;
    }
    if (message.type !== 'event') return;
    switch (message.name) {
      case 'backend-state':
        this.#relay.backendState(message.event, message.version);
        break;
      case 'backend-drained':
        this.#relay.backendDrained(h.id, message.event);
        break;
      case 'service-error':
        this.emit('service-error', message.event);
        break;
      case 'backend-agent': {
        const e = message.event;
        const key = `${e.serviceId}|${e.backendId}|${e.address}`;
        const said = `${e.to ?? '-'}|${e.weightPercent ?? '-'}|${e.error === null ? 'ok' : 'error'}`;
        if (this.#agentSaid.get(key) === said) break;
        this.#agentSaid.set(key, said);
        this.emit('backend-agent', e);
        break;
      }
      case 'passive-failure':
        this.#health.reportPassive(message.event);
        break;
      case 'rebalance-started':
        this.#rebalances.started(h.id, message.event);
        break;
      case 'rebalance-ended':
        this.#rebalances.ended(h.id, message.event);
        break;
    }
  }

  #onExit(h: WorkerHandle): void {
    // Exactly once per worker: its last cumulative counters move to the retired totals.
    if (h.stats !== undefined) this.#retired.add(h.stats);
    h.stats = undefined;
    this.#relay.workerGone(h.id);
    this.#rebalances.workerGone(h.id);
  }

  #onHealth(change: HealthChange): void {
    for (const h of this.#pool.handles) {
      h.send({ type: 'health', serviceId: change.serviceId, backendId: change.backendId, health: change.to, reason: change.reason });
    }
    this.emit('backend-health', { time: Date.now(), ...change });
  }
}

/**
 * The EngineError for a worker's answer that was not `ok`: what it reported, rebuilt as the error
 * an in-process apply would throw, or FULCRUM_WORKER_TIMEOUT / FULCRUM_WORKER_EXITED.
 */
export function toError(outcome: ApplyOutcome, h: Pick<WorkerHandle, 'id' | 'pid'>, version: number, config: EngineConfig): EngineError {
  if (outcome.kind === 'failed') return fromWire(outcome.error, config);
  const timeout = outcome.kind === 'timeout';
  return new WorkerUnavailableError(
    timeout ? 'FULCRUM_WORKER_TIMEOUT' : 'FULCRUM_WORKER_EXITED',
    `worker ${h.id} (pid ${h.pid}) ${timeout ? 'did not confirm it in time' : 'exited'} (config version ${version}); nothing was changed`,
  );
}

/** The DataPlane promise: whatever went wrong leaves as an EngineError (a bug as FULCRUM_INTERNAL, cause kept). */
function rethrowAsEngineError(err: unknown): never {
  if (err instanceof EngineError) throw err;
  throw new EngineError('FULCRUM_INTERNAL', err instanceof Error ? err.message : String(err), undefined, { cause: err });
}

/** Rebuilds a worker's flattened error as the same class and code; an unexpected one is FULCRUM_INTERNAL. */
export function fromWire(error: WireError, config: EngineConfig): EngineError {
  if ((error.code === 'FULCRUM_ADDRESS_IN_USE' || error.code === 'FULCRUM_LISTEN_FAILED') && error.serviceId !== undefined) {
    const sc = config.services.find((s) => s.id === error.serviceId);
    const address = sc === undefined ? '?' : formatAddress(sc.host, sc.port);
    const errno = error.errno ?? (error.code === 'FULCRUM_ADDRESS_IN_USE' ? 'EADDRINUSE' : undefined);
    const cause: NodeJS.ErrnoException = Object.assign(new Error(errno ?? error.message), errno === undefined ? {} : { code: errno });
    return new ListenError(error.serviceId, address, cause);
  }
  if (error.code === 'FULCRUM_INVALID_CONFIG') return new InvalidConfigError(error.message, error.field ?? 'services');
  if (error.code === 'INTERNAL') return new EngineError('FULCRUM_INTERNAL', error.message);
  return new EngineError(error.code, error.message, error.field);
}
