// Serves the dashboard build at / with a single-page-app fallback, and the JSON 404 for /api.
// Without a build, non-API pages answer 503 with how to build it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { apiNotFound, fileNotFound } from './error-handler.ts';

/** apps/dashboard/dist, resolved from this file so it works from any working directory. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url));

export const NOT_BUILT_MESSAGE =
  'The Fulcrum dashboard is not built yet. Run `pnpm build` in the repository root, then restart fulcrum.\n' +
  'The API is available under /api (GET /api/health needs no token).\n';

/** Registers the static files (if built) and the not-found handler. */
export async function registerDashboard(app: FastifyInstance, dir: string): Promise<void> {
  const built = existsSync(join(dir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      // The dashboard build writes .br and .gz next to each asset (apps/dashboard/build/precompress.ts):
      // served to browsers that accept them, the original otherwise; no compression work per request.
      preCompressed: true,
      setHeaders(reply, path) {
        // Vite puts content-hashed files under assets/; everything else must be revalidated.
        const hashed = path.startsWith(join(dir, 'assets'));
        void reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const page = (request.method === 'GET' || request.method === 'HEAD') && !/^\/api(\/|$)/.test(path);
    if (!page) return apiNotFound(request, reply);
    if (!built) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT_MESSAGE);
    // A missing file (it has an extension) is a real 404; any other path is a client-side route.
    if (/\.[A-Za-z0-9]+$/.test(path)) return fileNotFound(reply);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
