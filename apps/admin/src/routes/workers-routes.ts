// GET /api/workers (authenticated, hidden from the OpenAPI document): the worker processes, their
// config versions and per-worker counters. See docs/WORKERS.md.
import type { FastifyPluginAsync } from 'fastify';
import { ClusterEngine } from '../cluster/cluster-engine.ts';
import { singleProcessInfo } from '../cluster/workers-info.ts';
import type { RouteDeps } from './route-deps.ts';

/** The /workers route. */
export const workersRoutes: FastifyPluginAsync<RouteDeps> = async (app, { engine }) => {
  app.get('/workers', { schema: { hide: true } }, async () => (engine instanceof ClusterEngine ? engine.info() : singleProcessInfo()));
};
