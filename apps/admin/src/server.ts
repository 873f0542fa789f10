// Starts fulcrum: open the store, create the engine, build the app, seed a first-run service,
// listen. No argument parsing and no printing: cli.ts does both.
import type { FastifyInstance } from 'fastify';
import { EngineError, ListenError } from '@fulcrum/engine';
import type { HostPort } from '@fulcrum/shared/address';
import { formatAddress } from '@fulcrum/shared/address';
import type { StrategyName } from '@fulcrum/shared/strategies';
import { ApiError } from './api-error.ts';
import { startAccessLog } from './access-log.ts';
import { buildApp } from './app.ts';
import { ensureAdminToken } from './auth/admin-token.ts';
import type { AdminTokenSource } from './auth/admin-token.ts';
import type { ClusterEngine } from './cluster/cluster-engine.ts';
import type { DataPlane } from './cluster/data-plane.ts';
import { clusterOf, createDataPlane, stopDataPlane, terminateDataPlane } from './cluster/engine-factory.ts';
import { createService } from './config/service-changes.ts';
import { locateEngineError, replaceConfig } from './config/replace-config.ts';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';
import type { DataDirLock } from './data-dir-lock.ts';
import type { ConfigDocumentInput } from './schemas/config-schemas.ts';
import type { EventRetention } from './store/events-repo.ts';
import { openStore } from './store/store.ts';
import type { Store } from './store/store.ts';

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
  /** Where worker crashes and similar problems are reported (default stderr). */
  warn?: (line: string) => void;
  /** --access-log: one JSON line per connection on stdout (see access-log.ts). */
  accessLog?: boolean;
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
  /** Graceful stop: admin first, then drain the engine (up to the shutdown timeout), then the database. */
  close(): Promise<void>;
  /** Kills worker processes at once (a second shutdown signal). */
  terminate(): void;
}

/** Shutdown drains established connections for at most this long. */
export const SHUTDOWN_DRAIN_MS = 10_000;

/** A start-up failure with a one-line, operator-facing message. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
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
    lock = lockDataDir(store.dataDir, 'admin');
  } catch (err) {
    store.close();
    throw new StartupError(err instanceof DataDirLockedError ? err.message : `cannot lock ${store.dataDir}: ${(err as Error).message}`, { cause: err });
  }
  let engine: DataPlane;
  try {
    engine = await createDataPlane({ workers: opts.workers, shutdownTimeoutMs: opts.shutdownTimeoutMs, warn: opts.warn, accessLog: opts.accessLog });
  } catch (err) {
    store.close();
    lock.release();
    throw new StartupError(`cannot start the engine workers: ${(err as Error).message}`, { cause: err });
  }
  let app: FastifyInstance | undefined;
  let stopAccessLog = (): void => {};
  try {
    app = await buildApp({ engine, store, logger: { level: opts.logLevel ?? 'warn' }, dashboardDir: opts.dashboardDir, https: opts.tls });
    // With workers, each worker process subscribes to its own engine (worker-main.ts).
    if (opts.accessLog && clusterOf(engine) === undefined) stopAccessLog = startAccessLog(engine, app.log);
    await app.ready(); // applies the stored configuration to the engine
    let seed: RunningServer['seed'] = 'none';
    if (opts.seed) {
      seed = store.services.count() > 0 ? 'ignored' : 'created';
      const { listen, backends, strategy } = opts.seed;
      if (seed === 'created') {
        await app.fulcrum.config.change('cli', (ctx) =>
          createService(ctx, {
            name: 'default',
            listen: formatAddress(listen.host, listen.port),
            strategy,
            backends: backends.map((b) => ({ address: formatAddress(b.host, b.port) })),
          }),
        );
      }
    }
    const initial = opts.initialConfig;
    if (initial) {
      seed = store.services.count() > 0 ? 'ignored' : 'created';
      let ids = new Map<number, string>();
      if (seed === 'created') {
        await app.fulcrum.config.change('cli', (ctx) => replaceConfig(ctx, initial, (m) => (ids = m))).catch((err: unknown) => {
          const located = locateEngineError(err, initial, ids);
          throw new StartupError(`--config: ${located instanceof Error ? located.message : String(located)}`, { cause: err });
        });
      }
    }
    await app.listen({ host: opts.admin.host, port: opts.admin.port });
    // Only now: a token generated by a start that then failed would never have been shown.
    const token = await app.fulcrum.config.runExclusive(() => ensureAdminToken(store, opts.adminToken));
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : opts.admin.port;
    const url = adminUrl(opts.admin.host, port, opts.tls !== undefined);
    lock.setUrl(url);
    const running = app;
    return {
      app,
      engine,
      cluster: clusterOf(engine),
      store,
      url,
      token,
      seed,
      async close() {
        await running.close();
        await stopDataPlane(engine, opts.shutdownTimeoutMs ?? SHUTDOWN_DRAIN_MS);
        stopAccessLog(); // after the drain: its connections are logged too
        store.close();
        lock.release();
      },
      terminate: () => terminateDataPlane(engine),
    };
  } catch (err) {
    const message = describeStartupError(err, store, opts.admin);
    await app?.close().catch(() => {});
    await engine.close().catch(() => {});
    stopAccessLog();
    store.close();
    lock.release();
    throw new StartupError(message, { cause: err });
  }
}
