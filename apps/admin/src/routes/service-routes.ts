// /api/services: reads serve the committed snapshot; changes go through the config service.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ServiceDto } from '@fulcrum/shared/api';
import { notFound } from '../http/api-error.ts';
import { parseIfMatch } from '../config/input-checks.ts';
import { answerWith, checksFor } from '../config/address-checks.ts';
import { createService, deleteService, updateService } from '../config/service-changes.ts';
import { AUTH_ERRORS, CHANGE_ERRORS, DeleteBody, IfMatchHeaders, ServiceParams, errorResponses, withWarnings } from '../schemas/common-schemas.ts';
import { CreateServiceBody, PatchServiceBody, ServiceSchema } from '../schemas/service-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { withDiscoveryStatus } from '../discovery/group-label.ts';

/** The service's version as an entity tag, for If-Match. */
export const etag = (version: number): string => `"${version}"`;

export const serviceRoutes: FastifyPluginAsync<RouteDeps> = async (app, { config, discovery, node }) => {
  const withStatus = (service: ServiceDto): ServiceDto => withDiscoveryStatus(service, (id) => discovery.status(id));
  const committed = (id: number, reply: FastifyReply): ServiceDto => {
    const service = config.service(id);
    if (!service) throw notFound(`service ${id}`);
    void reply.header('etag', etag(service.version));
    return withStatus(service);
  };

  app.get(
    '/services',
    {
      schema: {
        summary: 'List the services with their backends',
        tags: ['services'],
        response: { 200: Type.Array(ServiceSchema), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async () => config.services.map(withStatus),
  );

  app.get<{ Params: ServiceParams }>(
    '/services/:id',
    {
      schema: {
        summary: 'One service (ETag: its version)',
        tags: ['services'],
        params: ServiceParams,
        response: { 200: ServiceSchema, ...errorResponses(400, ...AUTH_ERRORS, 404, 414) },
      },
    },
    async (request, reply) => committed(request.params.id, reply),
  );

  app.post<{ Body: CreateServiceBody }>(
    '/services',
    {
      schema: {
        summary: 'Create a service (it listens at once)',
        description:
          'A backend that is the service\'s own listener is refused (400 SELF_LOOP). Answers `warnings` for backend host names ' +
          'that do not resolve (UNRESOLVED_HOST), two spellings of one endpoint (SAME_ENDPOINT) and a service without idle ' +
          'timeout (NO_IDLE_TIMEOUT: the default, so long-lived database and Redis connections are not cut).',
        tags: ['services'],
        body: CreateServiceBody,
        response: { 201: withWarnings(ServiceSchema), ...errorResponses(...CHANGE_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const checks = await checksFor((request.body.backends ?? []).map((b) => b.address), node.listenHost ?? undefined);
      const id = await config.change(request.actor, (ctx) => createService(ctx, request.body, checks));
      void reply.code(201).header('location', `/api/services/${id}`);
      return answerWith(committed(id, reply), checks.warnings);
    },
  );

  app.patch<{ Params: ServiceParams; Body: PatchServiceBody }>(
    '/services/:id',
    {
      schema: {
        summary: 'Change a service; `backends`, when given, is the complete new list (matched by address)',
        description: 'Backends are checked as in POST /api/services (SELF_LOOP, `warnings`), also against a new listen address.',
        tags: ['services'],
        params: ServiceParams,
        headers: IfMatchHeaders,
        body: PatchServiceBody,
        response: { 200: withWarnings(ServiceSchema), ...errorResponses(...CHANGE_ERRORS, 404, 409, 414, 422) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const ifMatch = parseIfMatch(request.headers['if-match']);
      const { backends, listen } = request.body;
      // The backends to check: the new list, or the kept ones when only the listen address moves.
      const addresses = backends?.map((b) => b.address) ?? (listen === undefined ? [] : (config.service(id)?.backends.map((b) => b.address) ?? []));
      const checks = await checksFor(addresses, node.listenHost ?? undefined);
      await config.change(request.actor, (ctx) => updateService(ctx, id, request.body, ifMatch, checks));
      return answerWith(committed(id, reply), checks.warnings);
    },
  );

  app.delete<{ Params: ServiceParams; Body: DeleteBody }>(
    '/services/:id',
    {
      schema: {
        summary: 'Delete a service; its connections drain (If-Match or {"version": N} checks the version)',
        tags: ['services'],
        params: ServiceParams,
        headers: IfMatchHeaders,
        body: DeleteBody,
        response: { 204: Type.Null({ description: 'deleted' }), ...errorResponses(400, 401, 403, 404, 409, 414, 422) },
      },
    },
    async (request, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match']);
      await config.change(request.actor, (ctx) => deleteService(ctx, request.params.id, ifMatch, request.body?.version));
      return reply.code(204).send();
    },
  );
};
