// buildApp(): the Fastify application, ready to inject() or listen(). It never listens itself.
// Registration order is the architecture: external plugins → app services → routes.
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { LoadBalancer } from '@fulcrum/engine';
import { ApiError } from './api-error.ts';
import { ensureAdminToken } from './auth/admin-token.ts';
import { createAuthenticator } from './auth/authenticate.ts';
import type { Authenticator } from './auth/authenticate.ts';
import { SessionStore } from './auth/sessions.ts';
import { ConfigService } from './config/config-service.ts';
import { DEFAULT_DASHBOARD_DIR, registerDashboard } from './dashboard.ts';
import { errorHandler } from './error-handler.ts';
import { logEngineEvents } from './live/engine-event-log.ts';
import { LiveHub } from './live/live-hub.ts';
import { StatsSampler } from './live/stats-sampler.ts';
import { backendRoutes } from './routes/backend-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { liveRoutes } from './routes/live-routes.ts';
import { loginRoutes } from './routes/login-routes.ts';
import type { RouteDeps } from './routes/route-deps.ts';
import { serviceRoutes } from './routes/service-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { statsRoutes } from './routes/stats-routes.ts';
import { helmetOptions } from './security-headers.ts';
import type { Store } from './store/store.ts';
import { typeboxValidatorCompiler } from './validator-compiler.ts';

/** The app's services, reachable as `app.fulcrum` (tests and the CLI use them). */
export interface AppServices {
  store: Store;
  engine: LoadBalancer;
  config: ConfigService;
  auth: Authenticator;
  sessions: SessionStore;
  hub: LiveHub;
  sampler: StatsSampler;
}

declare module 'fastify' {
  interface FastifyInstance {
    fulcrum: AppServices;
  }
}

export interface BuildAppOptions {
  engine: LoadBalancer;
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
}

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
  const app = Fastify({ logger: loggerOption(opts.logger), bodyLimit: BODY_LIMIT, return503OnClosing: true });
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.setErrorHandler(errorHandler);

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
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Fulcrum admin API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });

  // 2. App services.
  if (opts.adminToken !== undefined) ensureAdminToken(store, opts.adminToken);
  const sessions = new SessionStore({ idleTimeoutMs: opts.sessionIdleTimeoutMs });
  const auth = createAuthenticator(store, sessions);
  const config = new ConfigService({ store, engine, log: app.log, publish: (message) => hub.broadcast(message) });
  const sampler = new StatsSampler({
    engine,
    intervalMs: opts.statsIntervalMs,
    wanted: () => hub.size > 0,
    onSample: (stats) => hub.broadcast({ type: 'stats', stats }),
  });
  app.decorate('fulcrum', { store, engine, config, auth, sessions, hub, sampler });
  app.decorateRequest('actor', '');
  app.decorateRequest('authVia', undefined);

  let stopEngineEvents: (() => void) | undefined;
  app.addHook('onReady', async () => {
    await config.start();
    stopEngineEvents = logEngineEvents(engine, config, app.log);
    sampler.start();
    hub.start();
  });
  app.addHook('preClose', async () => {
    sampler.stop();
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
      await api.register(liveRoutes, deps);
    },
    { prefix: '/api' },
  );
  await registerDashboard(app, opts.dashboardDir ?? DEFAULT_DASHBOARD_DIR);
  return app;
}
