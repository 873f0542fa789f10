// GET /api/workers (authenticated, hidden from the OpenAPI document): the worker processes, their
// config versions and per-worker counters. See docs/WORKERS.md.
import type { FastifyPluginAsync } from 'fastify';
import { ClusterEngine } from './cluster-engine.ts';
import type { DataPlane } from './data-plane.ts';
import { singleProcessInfo } from './workers-info.ts';

export const workersRoutes: FastifyPluginAsync<{ engine: DataPlane }> = async (app, { engine }) => {
  app.get('/workers', { schema: { hide: true } }, async () => (engine instanceof ClusterEngine ? engine.info() : singleProcessInfo()));
};
