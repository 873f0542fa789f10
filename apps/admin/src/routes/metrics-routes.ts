// GET /metrics: Prometheus text format, authenticated like /api (Bearer token).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses } from '../schemas/common-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

/** The /metrics route. */
export const metricsRoutes: FastifyPluginAsync<RouteDeps> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        description: 'Needs the same Bearer token as /api: scrape with `authorization: { credentials: <token> }`.',
        tags: ['metrics'],
        response: {
          200: { description: 'The samples', content: { 'text/plain': { schema: Type.String({ description: 'text/plain; version=0.0.4' }) } } },
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    async (_request, reply) => reply.type(metrics.contentType).header('cache-control', 'no-store').send(await metrics.render()),
  );
};
