// buildApp(): the Fastify application, ready to inject() or listen(). It never listens itself.
// Registration order is the architecture: external plugins → app services → routes.
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { DataPlane } from './cluster/data-plane.ts';
import { workersRoutes } from './cluster/workers-routes.ts';
import { ApiError } from './api-error.ts';
import { ensureAdminToken } from './auth/admin-token.ts';
import { createAuthenticator } from './auth/authenticate.ts';
import { SessionStore } from './auth/sessions.ts';
import { ConfigService } from './config/config-service.ts';
import { DEFAULT_DASHBOARD_DIR, registerDashboard } from './dashboard.ts';
import { errorHandler } from './error-handler.ts';
import { logEngineEvents } from './live/engine-event-log.ts';
import { LiveHub } from './live/live-hub.ts';
import { StatsSampler } from './live/stats-sampler.ts';
import { createMetrics } from './metrics/metrics.ts';
import type { FulcrumMetrics } from './metrics/metrics.ts';
import { openApiOptions, requireRouteDocs } from './openapi.ts';
import { backendRoutes } from './routes/backend-routes.ts';
import { clusterRoutes } from './routes/cluster-routes.ts';
import { configRoutes } from './routes/config-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { liveRoutes } from './routes/live-routes.ts';
import { loginRoutes } from './routes/login-routes.ts';
import { metricsRoutes } from './routes/metrics-routes.ts';
import type { RouteDeps } from './routes/route-deps.ts';
import { serviceRoutes } from './routes/service-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { statsRoutes } from './routes/stats-routes.ts';
import { tokenRoutes } from './routes/token-routes.ts';
import { ApiErrorBodySchema } from './schemas/common-schemas.ts';
import { helmetOptions } from './security-headers.ts';
import type { Store } from './store/store.ts';
import { typeboxValidatorCompiler } from './validator-compiler.ts';

/** The app's services, reachable as `app.fulcrum` (tests and the CLI use them). */
export interface AppServices extends Omit<RouteDeps, 'loginRateLimit'> {
  metrics: FulcrumMetrics;
}

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
  /** Login attempts per client IP and window (default 10 per minute). */
  loginRateLimit?: { max: number; timeWindowMs: number };
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
}

/** Default period of the event-log pruning timer. */
export const EVENT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

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
    ...(opts.https ? { https: { key: opts.https.key, cert: opts.https.cert } } : {}),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.setErrorHandler(errorHandler);
  app.addSchema(ApiErrorBodySchema);
  app.addHook('onRoute', requireRouteDocs);

  // An empty JSON body (a DELETE sent with content-type: application/json) means "no body".
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });

  // 1. External plugins.
  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, helmetOptions);
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'RATE_LIMITED', `too many login attempts; retry in ${Math.ceil(context.ttl / 1000)} s`),
  });
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
  const config = new ConfigService({ store, engine, log: app.log, publish: (message) => hub.broadcast(message) });
  const sessions = new SessionStore({
    repo: store.sessions,
    write: (task) => config.runExclusive(task),
    idleTimeoutMs: opts.sessionIdleTimeoutMs,
    onError: (err) => app.log.error({ err }, 'could not record a session'),
  });
  const auth = createAuthenticator(store, sessions);
  const sampler = new StatsSampler({
    engine,
    intervalMs: opts.statsIntervalMs,
    wanted: () => hub.size > 0,
    onSample: (stats) => hub.broadcast({ type: 'stats', stats }),
  });
  const metrics = createMetrics({ stats: () => engine.stats(), defaultMetrics: opts.processMetrics });
  app.decorate('fulcrum', { store, engine, config, auth, sessions, hub, sampler, metrics });
  app.decorateRequest('actor', '');
  app.decorateRequest('authVia', undefined);
  app.decorateRequest('tokenId', undefined);

  let stopEngineEvents: (() => void) | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  // Age-based retention must also act when nothing is logged for a while; expired sessions go too.
  const pruneEvents = () =>
    Promise.all([
      config.runExclusive(() => store.events.prune()).catch((err: unknown) => app.log.error({ err }, 'could not prune the event log')),
      sessions.prune().catch((err: unknown) => app.log.error({ err }, 'could not prune expired sessions')),
    ]);
  app.addHook('onReady', async () => {
    await config.start();
    stopEngineEvents = logEngineEvents(engine, config, app.log);
    sampler.start();
    hub.start();
    await pruneEvents();
    pruneTimer = setInterval(() => void pruneEvents(), opts.eventPruneIntervalMs ?? EVENT_PRUNE_INTERVAL_MS);
    pruneTimer.unref();
  });
  app.addHook('preClose', async () => {
    sampler.stop();
    clearInterval(pruneTimer);
    metrics.registry.clear();
    stopEngineEvents?.();
  });

  // 3. Routes. Public ones first; everything else under /api requires a token or a session.
  const deps: RouteDeps = {
    store,
    engine,
    config,
    auth,
    sessions,
    hub,
    sampler,
    loginRateLimit: opts.loginRateLimit ?? { max: 10, timeWindowMs: 60_000 },
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
      await api.register(sessionRoutes);
      await api.register(serviceRoutes, deps);
      await api.register(backendRoutes, deps);
      await api.register(statsRoutes, deps);
      await api.register(clusterRoutes, deps);
      await api.register(liveRoutes, deps);
      await api.register(workersRoutes, { engine });
      await api.register(configRoutes, deps);
      await api.register(tokenRoutes, deps);
    },
    { prefix: '/api' },
  );
  await app.register(async (scraped) => {
    scraped.addHook('onRequest', auth.authenticate);
    await scraped.register(metricsRoutes, { metrics });
  });
  await registerDashboard(app, opts.dashboardDir ?? DEFAULT_DASHBOARD_DIR);
  return app;
}
