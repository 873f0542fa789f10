// GET /api/session: who the caller is (the dashboard's "am I logged in?").
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses } from '../schemas/common-schemas.ts';

export const sessionRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/session',
    {
      schema: {
        summary: 'Who the caller is (the token name)',
        tags: ['session'],
        response: { 200: Type.Object({ actor: Type.String() }), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request) => ({ actor: request.actor }),
  );
};
