// The composition root (at the root with app.ts and cli.ts): open the store, create the engine,
// build the app, seed a first-run service, listen. No argument parsing and no printing: cli.ts does both.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { EngineError, ListenError } from '@fulcrum/engine';
import type { HostPort } from '@fulcrum/shared/address';
import { formatAddress } from '@fulcrum/shared/address';
import type { StrategyName } from '@fulcrum/shared/strategies';
import type { RelayMode } from '@fulcrum/shared/enums';
import { ApiError } from './http/api-error.ts';
import { startAccessLog } from './data-plane/access-log.ts';
import { buildApp } from './app.ts';
import { ensureAdminToken } from './auth/admin-token.ts';
import type { AdminTokenSource } from './auth/admin-token.ts';
import type { ClusterEngine } from './cluster/cluster-engine.ts';
import type { DataPlane } from './data-plane/data-plane.ts';
import { clusterOf, createDataPlane, stopDataPlane, terminateDataPlane } from './data-plane/engine-factory.ts';
import { createService } from './config/service-changes.ts';
import { locateEngineError, replaceConfig } from './config/replace-config.ts';
import { DataDirLockedError, lockDataDir } from './store/data-dir-lock.ts';
import type { DataDirLock } from './store/data-dir-lock.ts';
import type { ConfigDocumentInput } from './schemas/config-schemas.ts';
import { createPool, prepareSharedStore, SharedStoreError } from './fleet/shared-store.ts';
import type { SharedStoreUrl } from './fleet/store-url.ts';
import type pg from 'pg';
import type { EventRetention } from './store/events-repo.ts';
import { adminStartedEvent, adminStoppedEvent } from './store/lifecycle-events.ts';
import { openStore } from './store/store.ts';
import type { Store } from './store/store.ts';
import { STORE_MODE_KEY, STORE_URL_KEY } from './store/replica.ts';
import type { HandoverSpec } from './handover/handover-protocol.ts';
import type { Predecessor } from './handover/start-handover.ts';
import { listeningFd, serviceSockets } from './handover/listening-sockets.ts';
import { retireAdmin } from './handover/retire-admin.ts';
import type { HistoryOptions } from './history/history-service.ts';

export interface ServerOptions {
  admin: HostPort;
  dataDir: string;
  /** A service named `default`, created only if the store has no services yet. */
  seed?: { listen: HostPort; backends: HostPort[]; strategy: StrategyName };
  adminToken?: string;
  logLevel?: string;
  dashboardDir?: string;
  /** --config: the configuration of an empty store (ignored if the store has services). */
  initialConfig?: ConfigDocumentInput;
  /** Serve the admin over HTTPS. */
  tls?: { cert: string; key: string };
  eventRetention?: Partial<EventRetention>;
  /** Engine worker processes (default 1: the engine runs in this process). See docs/WORKERS.md. */
  workers?: number;
  /** How long established connections may finish on shutdown (default SHUTDOWN_DRAIN_MS). */
  shutdownTimeoutMs?: number;
  /**
   * --reload-drain-limit: how long the previous workers keep serving their established
   * connections after a reload (then they are closed with FIN); undefined = no limit.
   */
  reloadDrainLimitMs?: number | undefined;
  /** Where worker crashes and similar problems are reported (default stderr). */
  warn?: (line: string) => void;
  /** --access-log: one JSON line per connection on stdout (see access-log.ts). */
  accessLog?: boolean;
  /** --store postgres://…: share the configuration with other nodes. */
  store?: SharedStoreUrl;
  /** --node-name (default the host name). */
  nodeName?: string;
  /** --listen-host: every service listens on this host on this node. */
  listenHost?: string;
  /** --dns-server: the DNS servers discovery groups ask (default the system's). */
  dnsServers?: readonly string[];
  /** --relay: which relay moves the bytes (default auto). */
  relay?: RelayMode;
  /**
   * --stop-grace: on close, the services keep accepting this long after the admin closed, so an
   * HA peer (whose keepalived watches this admin port) takes the virtual IP before they stop.
   */
  stopGraceMs?: number;
  /** This process takes over from a running one (FULCRUM_HANDOVER): its sockets and its lock. */
  handover?: HandoverSpec;
  /** Metric history settings (default: on, 10 s buckets); the CLI shortens the bucket only for tests. */
  history?: HistoryOptions;
}


export interface RunningServer {
  app: FastifyInstance;
  engine: DataPlane;
  /** The worker processes, with --workers 2 or more. */
  cluster: ClusterEngine | undefined;
  store: Store;
  /** The dashboard URL, e.g. http://127.0.0.1:8080/ */
  url: string;
  token: AdminTokenSource;
  /** What happened to --listen/--backend/--strategy or --config. */
  seed: 'created' | 'ignored' | 'none';
  /** With --store: the shared store could not be reached at start; the node runs its local copy. */
  storeDown: string | undefined;
  /** Graceful stop: admin first, then drain the engine (up to the shutdown timeout), then the database. */
  close(): Promise<void>;
  /** Kills worker processes at once (a second shutdown signal). */
  terminate(): void;
  /** What a successor process needs from this one (fulcrum upgrade). */
  predecessor: Predecessor;
}

/** Shutdown drains established connections for at most this long. */
export const SHUTDOWN_DRAIN_MS = 10_000;


/** A start-up failure with a one-line, operator-facing message. */
export class StartupError extends Error {
  /** The process exit code: 2 for a setting the operator must change (like a usage error), else 1. */
  readonly exitCode: number;
  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options);
    this.name = 'StartupError';
    this.exitCode = options?.exitCode ?? 1;
  }
}

/**
 * A data directory is either a single node's store or a cluster node's local copy: refuses to
 * start one as the other, since that would serve (or overwrite) the wrong configuration.
 */
function checkStoreMode(store: Store, shared: SharedStoreUrl | undefined): void {
  const mode = store.settings.get(STORE_MODE_KEY);
  if (shared && mode !== 'postgres' && store.services.count() > 0) {
    throw new StartupError(
      `the data directory ${store.dataDir} holds a single node's configuration (SQLite); a cluster node needs a data directory of its own: give it another --data, and bring this configuration into the cluster with fulcrum import FILE --admin HOST:PORT`,
      { exitCode: 2 },
    );
  }
  if (!shared && mode === 'postgres') {
    throw new StartupError(
      `the data directory ${store.dataDir} is the local copy of a cluster node (--store ${store.settings.get(STORE_URL_KEY) ?? 'postgres://…'}); start it with --store, or use another --data for a single node`,
      { exitCode: 2 },
    );
  }
}

/** The URL to print: wildcard hosts become localhost. */
export function adminUrl(host: string, port: number, secure = false): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `${secure ? 'https' : 'http'}://${formatAddress(shown, port)}/`;
}

function describeStartupError(err: unknown, store: Store, admin: HostPort): string {
  if (err instanceof ApiError && err.cause instanceof ListenError) {
    const service = store.services.get(err.cause.serviceId);
    return `service "${service?.name ?? err.cause.serviceId}": ${err.cause.message}`;
  }
  if (err instanceof ApiError || err instanceof EngineError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return `cannot listen on ${formatAddress(admin.host, admin.port)} for the admin console: ${code === 'EADDRINUSE' ? 'address already in use' : code}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Starts everything; on failure closes what was opened and throws a StartupError. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  let store: Store;
  try {
    store = openStore(opts.dataDir, { eventRetention: opts.eventRetention });
  } catch (err) {
    throw new StartupError(`cannot open the data directory ${opts.dataDir}: ${(err as Error).message}`, { cause: err });
  }
  let lock: DataDirLock;
  try {
    lock = lockDataDir(store.dataDir, 'admin', opts.handover?.from);
  } catch (err) {
    store.close();
    throw new StartupError(err instanceof DataDirLockedError ? err.message : `cannot lock ${store.dataDir}: ${(err as Error).message}`, { cause: err });
  }
  let pool: pg.Pool | undefined;
  let storeDown: string | undefined;
  if (opts.store) {
    const shared = opts.store;
    try {
      checkStoreMode(store, shared);
      pool = createPool(shared, () => {});
      await prepareSharedStore(pool, shared);
    } catch (err) {
      const hasCopy = store.settings.get(STORE_MODE_KEY) === 'postgres';
      if (!(err instanceof SharedStoreError && err.unreachable && hasCopy)) {
        await pool?.end().catch(() => {});
        store.close();
        lock.release();
        if (err instanceof StartupError) throw err;
        const message = err instanceof SharedStoreError && err.unreachable ? `${err.message}, and ${store.dataDir} holds no local copy to start from` : (err as Error).message;
        throw new StartupError(message, { cause: err, exitCode: 2 });
      }
      // Static stability: the last configuration this node applied is in its local copy.
      storeDown = err.message;
    }
  } else {
    try {
      checkStoreMode(store, undefined);
    } catch (err) {
      store.close();
      lock.release();
      throw err;
    }
  }
  let engine: DataPlane;
  try {
    engine = await createDataPlane({
      workers: opts.workers,
      reloadDrainLimitMs: opts.reloadDrainLimitMs,
      warn: opts.warn,
      accessLog: opts.accessLog,
      inherited: opts.handover?.listeners,
      ...(opts.relay !== undefined ? { relay: opts.relay } : {}),
    });
  } catch (err) {
    await pool?.end().catch(() => {});
    store.close();
    lock.release();
    throw new StartupError(`cannot start the engine workers: ${(err as Error).message}`, { cause: err });
  }
  let app: FastifyInstance | undefined;
  let stopAccessLog = (): void => {};
  try {
    app = await buildApp({
      engine,
      store,
      logger: { level: opts.logLevel ?? 'warn' },
      dashboardDir: opts.dashboardDir,
      https: opts.tls,
      node: { ...(opts.nodeName !== undefined ? { name: opts.nodeName } : {}), ...(opts.listenHost !== undefined ? { listenHost: opts.listenHost } : {}) },
      ...(opts.store && pool ? { sharedStore: { url: opts.store, pool } } : {}),
      history: opts.history ?? {},
      ...(opts.dnsServers ? { dnsServers: opts.dnsServers } : {}),
    });
    // With workers, each worker process subscribes to its own engine (worker-main.ts).
    if (opts.accessLog && clusterOf(engine) === undefined) stopAccessLog = startAccessLog(engine, app.log);
    await app.ready(); // applies the stored configuration (with --store: the local copy) to the engine
    if (opts.store && storeDown === undefined) {
      // A joining or restarting node serves the cluster's current version before anything else.
      await app.fulcrum.config.catchUp();
      const applyFailure = app.fulcrum.config.applyFailure;
      if (applyFailure) throw new StartupError(`cannot run the cluster's configuration version ${applyFailure.version}: ${applyFailure.message}`);
      const url = opts.store.display;
      await app.fulcrum.config.runExclusive(() => {
        store.settings.set(STORE_MODE_KEY, 'postgres');
        store.settings.set(STORE_URL_KEY, url);
      });
    }
    // Whether the store is empty is decided inside the change's transaction: with a shared store,
    // nodes started together must not both seed it.
    let seed: RunningServer['seed'] = 'none';
    if (opts.seed) {
      const { listen, backends, strategy } = opts.seed;
      seed = await app.fulcrum.config.change('cli', (ctx): RunningServer['seed'] => {
        if (ctx.store.services.count() > 0) return 'ignored';
        createService(ctx, {
          name: 'default',
          listen: formatAddress(listen.host, listen.port),
          strategy,
          backends: backends.map((b) => ({ address: formatAddress(b.host, b.port) })),
        });
        return 'created';
      });
    }
    const initial = opts.initialConfig;
    if (initial) {
      let ids = new Map<number, string>();
      seed = await app.fulcrum.config
        .change('cli', (ctx): RunningServer['seed'] => {
          if (ctx.store.services.count() > 0) return 'ignored';
          replaceConfig(ctx, initial, (m) => (ids = m));
          return 'created';
        })
        .catch((err: unknown) => {
          const located = locateEngineError(err, initial, ids);
          throw new StartupError(`--config: ${located instanceof Error ? located.message : String(located)}`, { cause: err });
        });
    }
    const inheritedAdmin = opts.handover?.admin;
    if (inheritedAdmin) {
      // The predecessor's admin socket: requests queued in it are answered here. (Fastify would
      // also bind ::1 for `localhost`; the inherited socket is the one address it had first.)
      await app.listen({ fd: inheritedAdmin.fd, host: opts.admin.host === 'localhost' ? '127.0.0.1' : opts.admin.host } as { host: string });
    } else {
      await app.listen({ host: opts.admin.host, port: opts.admin.port });
    }
    // Only now: a token generated by a start that then failed would never have been shown.
    const token = opts.store
      ? await app.fulcrum.config
          .recordChange('cli', (ctx) => ensureAdminToken(ctx.store, opts.adminToken, ctx.audit))
          // The store is down: the local copy's admin token stands until it is back.
          .catch((err: unknown) => {
            if (err instanceof ApiError && err.code === 'STORE_UNAVAILABLE') return { source: 'stored' as const };
            throw err;
          })
      : await app.fulcrum.config.runExclusive(() => ensureAdminToken(store, opts.adminToken));
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : opts.admin.port;
    const url = adminUrl(opts.admin.host, port, opts.tls !== undefined);
    lock.setUrl(url);
    app.fulcrum.node.adminUrl = url.replace(/\/$/, '');
    const startedAt = Date.now();
    const nodeName = app.fulcrum.node.name;
    await app.fulcrum.config.recordEvent(adminStartedEvent({ pid: process.pid, node: nodeName, url, takeoverFrom: opts.handover?.from }));
    const running = app;
    let closing: Promise<void> | undefined;
    const closeAll = (drainMs: number, graceMs: number, retiring: boolean): Promise<void> =>
      (closing ??= (async () => {
        // On a hand-over the successor answers on the admin socket already: no 503 while closing.
        const adminDone = retiring ? retireAdmin(running) : running.close();
        if (!retiring) {
          await adminDone;
          await pool?.end().catch(() => {});
        }
        if (graceMs > 0) await sleep(graceMs);
        await stopDataPlane(engine, drainMs);
        stopAccessLog(); // after the drain: its connections are logged too
        if (retiring) {
          await adminDone;
          await running.close();
          await pool?.end().catch(() => {});
        }
        // Retiring after a hand-over: the successor owns the store and recorded the take-over.
        if (!retiring) {
          try {
            store.events.insert(adminStoppedEvent({ pid: process.pid, node: nodeName, uptimeMs: Date.now() - startedAt }));
          } catch (err) {
            running.log.error({ err }, 'could not record the admin-stopped event');
          }
        }
        store.close();
        lock.release();
      })());
    const predecessor: Predecessor = {
      async sockets() {
        const fd = listeningFd(running.server);
        const adminSocket = fd === undefined ? undefined : { host: opts.admin.host, port, fd };
        return { admin: adminSocket, ...(await serviceSockets(engine)) };
      },
      pauseChanges: () => running.fulcrum.config.pauseChanges(),
      resumeChanges: () => running.fulcrum.config.resumeChanges(),
      reclaimLock: () => lock.reclaim(),
      retire: () => closeAll(opts.reloadDrainLimitMs ?? Infinity, 0, true),
      // A second close() of the data plane only brings its deadline forward.
      hurry: (timeoutMs) => void stopDataPlane(engine, timeoutMs).catch(() => {}),
    };
    return {
      app,
      engine,
      cluster: clusterOf(engine),
      store,
      url,
      token,
      seed,
      storeDown,
      close: () => closeAll(opts.shutdownTimeoutMs ?? SHUTDOWN_DRAIN_MS, opts.stopGraceMs ?? 0, false),
      terminate: () => terminateDataPlane(engine),
      predecessor,
    };
  } catch (err) {
    const message = describeStartupError(err, store, opts.admin);
    await app?.close().catch(() => {});
    await engine.close().catch(() => {});
    await pool?.end().catch(() => {});
    stopAccessLog();
    store.close();
    lock.release();
    throw err instanceof StartupError ? err : new StartupError(message, { cause: err });
  }
}
