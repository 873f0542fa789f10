// GET /api/cluster: every node sharing this node's store, the version each runs, and its state.
import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses } from '../schemas/common-schemas.ts';
import { ClusterSchema } from '../schemas/cluster-schemas.ts';

import type { RouteDeps } from './route-deps.ts';

export const clusterRoutes: FastifyPluginAsync<RouteDeps> = async (app, { cluster }) => {
  app.get(
    '/cluster',
    {
      schema: {
        summary: 'The nodes sharing this configuration store, with the version each runs (a single node lists itself)',
        tags: ['cluster'],
        response: { 200: ClusterSchema, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    // Before the admin listens (tests inject), this node's URL is the one the request came to.
    async (request) => cluster(`${request.protocol}://${request.host}`),
  );
};
