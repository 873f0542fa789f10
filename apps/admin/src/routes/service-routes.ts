// /api/services: reads serve the committed snapshot; changes go through the config service.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ServiceDto } from '@fulcrum/shared/api';
import { notFound } from '../api-error.ts';
import { parseIfMatch } from '../config/input-checks.ts';
import { createService, deleteService, updateService } from '../config/service-changes.ts';
import { ServiceParams } from '../schemas/common-schemas.ts';
import { CreateServiceBody, PatchServiceBody, ServiceSchema } from '../schemas/service-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

/** The service's version as an entity tag, for If-Match. */
export const etag = (version: number): string => `"${version}"`;

export const serviceRoutes: FastifyPluginAsync<RouteDeps> = async (app, { config }) => {
  const committed = (id: number, reply: FastifyReply): ServiceDto => {
    const service = config.service(id);
    if (!service) throw notFound(`service ${id}`);
    void reply.header('etag', etag(service.version));
    return service;
  };

  app.get('/services', { schema: { response: { 200: Type.Array(ServiceSchema) } } }, async () => config.services);

  app.get<{ Params: ServiceParams }>(
    '/services/:id',
    { schema: { params: ServiceParams, response: { 200: ServiceSchema } } },
    async (request, reply) => committed(request.params.id, reply),
  );

  app.post<{ Body: CreateServiceBody }>(
    '/services',
    { schema: { body: CreateServiceBody, response: { 201: ServiceSchema } } },
    async (request, reply) => {
      const id = await config.change(request.actor, (ctx) => createService(ctx, request.body));
      void reply.code(201).header('location', `/api/services/${id}`);
      return committed(id, reply);
    },
  );

  app.patch<{ Params: ServiceParams; Body: PatchServiceBody }>(
    '/services/:id',
    { schema: { params: ServiceParams, body: PatchServiceBody, response: { 200: ServiceSchema } } },
    async (request, reply) => {
      const { id } = request.params;
      const ifMatch = parseIfMatch(request.headers['if-match']);
      await config.change(request.actor, (ctx) => updateService(ctx, id, request.body, ifMatch));
      return committed(id, reply);
    },
  );

  app.delete<{ Params: ServiceParams }>(
    '/services/:id',
    { schema: { params: ServiceParams } },
    async (request, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match']);
      await config.change(request.actor, (ctx) => deleteService(ctx, request.params.id, ifMatch));
      return reply.code(204).send();
    },
  );
};
