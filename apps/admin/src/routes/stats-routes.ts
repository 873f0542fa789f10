// GET /api/stats: the engine's live counters, read now.
import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses } from '../schemas/common-schemas.ts';
import { StatsSchema } from '../schemas/stats-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

/** The /stats route. */
export const statsRoutes: FastifyPluginAsync<RouteDeps> = async (app, { sampler }) => {
  app.get(
    '/stats',
    {
      schema: {
        summary: 'Live counters of every service and backend',
        tags: ['stats'],
        response: { 200: StatsSchema, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async () => sampler.sample(),
  );
};
