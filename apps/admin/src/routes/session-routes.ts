// GET /api/session: who the caller is (the dashboard's "am I logged in?").
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';

export const sessionRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/session',
    { schema: { response: { 200: Type.Object({ actor: Type.String() }) } } },
    async (request) => ({ actor: request.actor }),
  );
};
