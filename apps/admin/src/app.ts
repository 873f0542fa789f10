// buildApp() (at the root: it wires every folder together): the Fastify application, ready to
// inject() or listen(). It never listens itself.
// Registration order is the architecture: external plugins → app services → routes.
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type pg from 'pg';
import { ensureAdminToken } from './auth/admin-token.ts';
import { createAuthenticator } from './auth/authenticate.ts';
import { FailureLimiter } from './auth/failure-limiter.ts';
import { SessionStore } from './auth/sessions.ts';
import { ConfigService } from './config/config-service.ts';
import { Discovery } from './discovery/discovery.ts';
import type { DataPlane } from './data-plane/data-plane.ts';
import { DEFAULT_DASHBOARD_DIR, registerDashboard } from './http/dashboard.ts';
import { errorHandler } from './http/error-handler.ts';
import { registerJsonBodyParser } from './http/json-body.ts';
import { MAX_PARAM_LENGTH, clientErrorHandler } from './http/framework-errors.ts';
import { openApiOptions, requireRouteDocs } from './http/openapi.ts';
import { helmetOptions } from './http/security-headers.ts';
import { typeboxValidatorCompiler } from './http/validator-compiler.ts';
import { ClusterLink } from './fleet/cluster-link.ts';
import { ClusterSecret } from './fleet/cluster-secret.ts';
import { clusterView, defaultNodeName } from './fleet/cluster-view.ts';
import type { NodeIdentity } from './fleet/cluster-view.ts';
import { toNodeStats } from './fleet/node-stats.ts';
import { PgSharedConfig } from './fleet/pg-shared-config.ts';
import { registerClusterWait } from './fleet/wait-for-cluster.ts';
import type { SharedStoreUrl } from './fleet/store-url.ts';
import { HistoryService } from './history/history-service.ts';
import type { HistoryOptions } from './history/history-service.ts';
import { logEngineEvents } from './live/engine-event-log.ts';
import { LiveHub } from './live/live-hub.ts';
import { StatsSampler } from './live/stats-sampler.ts';
import { toStatsDto } from './live/to-stats-dto.ts';
import { createMetrics } from './metrics/metrics.ts';
import { backendRoutes } from './routes/backend-routes.ts';
import { clusterRoutes } from './routes/cluster-routes.ts';
import { configRoutes } from './routes/config-routes.ts';
import { connectionRoutes } from './routes/connection-routes.ts';
import { eventsRoutes } from './routes/events-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { historyRoutes } from './routes/history-routes.ts';
import { liveRoutes } from './routes/live-routes.ts';
import { loginRoutes } from './routes/login-routes.ts';
import { metricsRoutes } from './routes/metrics-routes.ts';
import type { RouteDeps } from './routes/route-deps.ts';
import { serviceRoutes } from './routes/service-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { statsRoutes } from './routes/stats-routes.ts';
import { tokenRoutes } from './routes/token-routes.ts';
import { workersRoutes } from './routes/workers-routes.ts';
import { ApiErrorBodySchema } from './schemas/common-schemas.ts';
import type { Store } from './store/store.ts';
import { AUTH_FAILURE_LIMITS } from '@fulcrum/shared/limits';

/** The app's services, reachable as `app.fulcrum` (tests and server.ts use them; routes get RouteDeps as plugin options). */
export type AppServices = RouteDeps;

declare module 'fastify' {
  interface FastifyInstance {
    fulcrum: AppServices;
  }
}

export interface BuildAppOptions {
  engine: DataPlane;
  store: Store;
  /** Fastify logger setting (default: off). */
  logger?: FastifyServerOptions['logger'];
  /** Sets the 'admin' token (FULCRUM_ADMIN_TOKEN). The CLI calls ensureAdminToken itself to print it. */
  adminToken?: string;
  /** Where the dashboard build lives (default apps/dashboard/dist). */
  dashboardDir?: string;
  /** Stats broadcast period (default 500 ms). */
  statsIntervalMs?: number;
  /** Failed authentications per client (IPv4 address or IPv6 /64) and window (default AUTH_FAILURE_LIMITS: 10 per minute). */
  authFailureLimit?: { maxFailures: number; windowMs: number; maxClients?: number };
  /** How often open WebSockets are checked against their session or token (default 5 s). */
  liveAuthCheckMs?: number;
  /** Bytes queued on a WebSocket before it counts as a slow consumer (default 1 MiB). */
  liveMaxBuffered?: number;
  /** Session idle timeout (default 12 h). */
  sessionIdleTimeoutMs?: number;
  /** Serve HTTPS with this PEM key and certificate (chain) instead of plain HTTP. */
  https?: { key: string | Buffer; cert: string | Buffer };
  /** How often the event log and expired sessions are pruned (default 1 h; the log also every 1000 inserts). */
  eventPruneIntervalMs?: number;
  /** Export process_* / nodejs_* metrics on /metrics (default true). */
  processMetrics?: boolean;
  /** This node in a cluster: --node-name (default the host name) and --listen-host. */
  node?: { name?: string; listenHost?: string };
  /** The shared store (--store postgres://…), already migrated; the caller owns and ends the pool. */
  sharedStore?: { url: SharedStoreUrl; pool: pg.Pool };
  /** --dns-server / FULCRUM_DNS_SERVERS: the DNS servers discovery groups ask (default: the system's). */
  dnsServers?: readonly string[];
  /** Heartbeat and version-check periods of a cluster node (default 1 s and 3 s). */
  clusterTimings?: { heartbeatMs?: number; checkMs?: number };
  /** Metric history (history.db in the data directory): off unless given; server.ts turns it on. */
  history?: HistoryOptions | false;
}

/** Settings key of the newest shared event copied into the local log. */
const EVENT_CURSOR_KEY = 'cluster.events';

/** Default period of the event-log pruning timer. */
export const EVENT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** Default period of the check of open WebSockets against their session or token. */
export const LIVE_AUTH_CHECK_MS = 5000;

/** Request bodies are small JSON documents. */
export const BODY_LIMIT = 64 * 1024;

/** `?token=…` never reaches the log. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}

function loggerOption(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  return {
    ...base,
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
    },
  };
}

/** Builds the admin application. Startup (engine.apply of the stored config) runs on ready(). */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { engine, store } = opts;
  // Typed as the plain-HTTP instance either way: nothing here depends on the transport.
  const app = Fastify({
    logger: loggerOption(opts.logger),
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    // Node's default, not Fastify's 72 s (meant for cloud load balancers): an admin keep-alive
    // connection a retiring process must wait for (docs/UPGRADE.md) ends within 5 s of its last use.
    keepAliveTimeout: 5000,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // The router's own errors (bad percent-encoding, a too-long parameter) and requests Node's
    // parser cannot read answer with ApiErrorBody like everything else.
    frameworkErrors: errorHandler,
    clientErrorHandler,
    ...(opts.https ? { https: { key: opts.https.key, cert: opts.https.cert } } : {}),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.setErrorHandler(errorHandler);
  app.addSchema(ApiErrorBodySchema);
  app.addHook('onRoute', requireRouteDocs);

  registerJsonBodyParser(app);

  // 1. External plugins.
  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, helmetOptions);
  // Our shutdown hook goes before the plugin's, so browsers get 1001 "going away" (and reconnect)
  // instead of the plugin's bare close().
  const hub = new LiveHub({ maxBuffered: opts.liveMaxBuffered });
  app.addHook('preClose', async () => hub.closeAll());
  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });
  // The plugin hides WebSocket routes from OpenAPI; /api/live is part of the API, so it is listed.
  app.addHook('onRoute', (route) => {
    if (route.websocket && route.schema) route.schema.hide = false;
  });
  await app.register(fastifySwagger, openApiOptions);

  // 2. App services.
  if (opts.adminToken !== undefined) ensureAdminToken(store, opts.adminToken);
  const node: NodeIdentity = {
    name: opts.node?.name ?? defaultNodeName(),
    listenHost: opts.node?.listenHost ?? null,
    adminUrl: '',
    startedAt: new Date(),
  };
  const shared = opts.sharedStore
    ? new PgSharedConfig({
        pool: opts.sharedStore.pool,
        node: node.name,
        eventCursor: {
          get: () => {
            const value = store.settings.get(EVENT_CURSOR_KEY);
            return value === undefined ? undefined : Number(value);
          },
          set: (id) => store.settings.set(EVENT_CURSOR_KEY, String(id)),
        },
      })
    : undefined;
  // Discovery and the config service need each other: discovery's members go into every engine
  // snapshot, and its member changes are applied through the config service's one path. Neither
  // calls the other before onReady.
  const discovery: Discovery = new Discovery({
    servers: opts.dnsServers,
    apply: (swap) => config.refreshDiscovered(swap),
    record: (event) => config.recordEvent(event),
    log: app.log,
  });
  const config: ConfigService = new ConfigService({
    store,
    engine,
    log: app.log,
    publish: (message) => hub.broadcast(message),
    shared,
    listenHost: opts.node?.listenHost,
    members: (groupId) => discovery.members(groupId),
    onCommitted: (services) => discovery.sync(services),
  });
  // What this node reports about its traffic (heartbeat, GET /api/cluster).
  const selfStats = () => {
    const stats = toStatsDto(engine.stats(), discovery);
    return { activeConnections: stats.services.reduce((sum, s) => sum + s.active, 0), stats: toNodeStats(stats) };
  };
  const link = opts.sharedStore
    ? new ClusterLink({
        url: opts.sharedStore.url.url,
        pool: opts.sharedStore.pool,
        node: node.name,
        heartbeatMs: opts.clusterTimings?.heartbeatMs,
        checkMs: opts.clusterTimings?.checkMs,
        report: () => ({
          name: node.name,
          adminUrl: node.adminUrl,
          listenHost: node.listenHost,
          appliedVersion: config.version,
          applyFailure: config.applyFailure,
          ...selfStats(),
          startedAt: node.startedAt,
        }),
        catchUp: () => config.catchUp(),
        onCluster: (cluster) => {
          if (hub.size > 0) hub.broadcast({ type: 'cluster', cluster });
        },
        onError: (err, what) => app.log.warn({ err }, `shared store: could not ${what}; serving the configuration this node runs and retrying`),
      })
    : undefined;
  const cluster = (requestUrl?: string) =>
    clusterView(
      node.adminUrl === '' && requestUrl !== undefined ? { ...node, adminUrl: requestUrl } : node,
      { version: config.version, applyFailure: config.applyFailure, ...selfStats() },
      link,
    );
  const sessions = new SessionStore({
    repo: store.sessions,
    write: (task) => config.runExclusive(task),
    idleTimeoutMs: opts.sessionIdleTimeoutMs,
    onError: (err) => app.log.error({ err }, 'could not record a session'),
  });
  const limiter = new FailureLimiter({ ...AUTH_FAILURE_LIMITS, ...opts.authFailureLimit });
  // Read from onReady on; until read (the store unreachable) sessions reach no other node.
  const clusterSecret = opts.sharedStore
    ? new ClusterSecret(opts.sharedStore.pool, (err) => app.log.warn({ err }, 'shared store: could not read the cluster secret; browser sessions cannot reach other nodes until it can'))
    : undefined;
  const auth = createAuthenticator(store, sessions, limiter, clusterSecret && { self: node.name, secret: () => clusterSecret.get() });
  const sampler = new StatsSampler({
    engine,
    discovery,
    intervalMs: opts.statsIntervalMs,
    wanted: () => hub.size > 0,
    onSample: (stats) => hub.broadcast({ type: 'stats', stats }),
  });
  const history = new HistoryService(
    store.dataDir,
    () => sampler.sample(),
    opts.history || {},
    (message) => app.log.warn(`metric history: ${message}; traffic and the API are not affected`),
  );
  const metrics = createMetrics({
    stats: () => engine.stats(),
    defaultMetrics: opts.processMetrics,
    node: () => ({
      name: node.name,
      store: link ? 'postgres' : 'sqlite',
      version: config.version,
      applyFailed: config.applyFailure !== null,
      ...(link ? { storeReachable: link.storeError === null } : {}),
    }),
    history: () => history.counters,
  });
  app.decorate('fulcrum', { store, engine, config, discovery, auth, sessions, hub, sampler, metrics, node, cluster, link, history } satisfies AppServices);
  app.decorateRequest('actor', '');
  app.decorateRequest('authVia', undefined);
  app.decorateRequest('tokenId', undefined);
  app.decorateRequest('sessionId', undefined);

  let stopEngineEvents: (() => void) | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let liveAuthTimer: NodeJS.Timeout | undefined;
  // Age-based retention must also act when nothing is logged for a while; expired sessions go too.
  const pruneEvents = () =>
    Promise.all([
      config.runExclusive(() => store.events.prune()).catch((err: unknown) => app.log.error({ err }, 'could not prune the event log')),
      sessions.prune().catch((err: unknown) => app.log.error({ err }, 'could not prune expired sessions')),
    ]);
  app.addHook('onReady', async () => {
    await config.start();
    link?.start();
    // Not awaited: a node may start while the store is unreachable (its local copy); get() retries.
    void clusterSecret?.load();
    stopEngineEvents = logEngineEvents(engine, config, app.log, discovery);
    sampler.start();
    hub.start();
    if (opts.history) await history.start();
    await pruneEvents();
    pruneTimer = setInterval(() => void pruneEvents(), opts.eventPruneIntervalMs ?? EVENT_PRUNE_INTERVAL_MS);
    pruneTimer.unref();
    // Logout and revocation through this admin close sockets at once; this catches the rest:
    // idle expiry, `fulcrum token revoke` (another process) and revocation through another node.
    liveAuthTimer = setInterval(() => {
      if (hub.size > 0) hub.closeEnded((credential) => !auth.stillValid(credential), 'expired or revoked');
    }, opts.liveAuthCheckMs ?? LIVE_AUTH_CHECK_MS);
    liveAuthTimer.unref();
  });
  app.addHook('preClose', async () => {
    await link?.stop({ leave: true });
    discovery.close();
    sampler.stop();
    await history.stop();
    clearInterval(pruneTimer);
    clearInterval(liveAuthTimer);
    metrics.registry.clear();
    stopEngineEvents?.();
  });

  // 3. Routes. Public ones first; everything else under /api requires a token or a session.
  const deps: RouteDeps = {
    store,
    engine,
    config,
    discovery,
    auth,
    sessions,
    hub,
    sampler,
    metrics,
    node,
    cluster,
    link,
    clusterSecret,
    history,
  };
  await app.register(
    async (api) => {
      await api.register(healthRoutes);
      await api.register(loginRoutes, deps);
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      // Swagger UI's own pages; its scripts and styles are same-origin files, so the global CSP holds.
      await api.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, persistAuthorization: false } });
    },
    { prefix: '/api' },
  );
  await app.register(
    async (api) => {
      api.addHook('onRequest', auth.authenticate);
      registerClusterWait(api, config, link, node.name);
      await api.register(sessionRoutes);
      await api.register(serviceRoutes, deps);
      await api.register(backendRoutes, deps);
      await api.register(connectionRoutes, deps);
      await api.register(statsRoutes, deps);
      await api.register(eventsRoutes, deps);
      await api.register(historyRoutes, deps);
      await api.register(clusterRoutes, deps);
      await api.register(liveRoutes, deps);
      await api.register(workersRoutes, deps);
      await api.register(configRoutes, deps);
      await api.register(tokenRoutes, deps);
    },
    { prefix: '/api' },
  );
  await app.register(async (scraped) => {
    scraped.addHook('onRequest', auth.authenticate);
    await scraped.register(metricsRoutes, deps);
  });
  await registerDashboard(app, opts.dashboardDir ?? DEFAULT_DASHBOARD_DIR);
  return app;
}
