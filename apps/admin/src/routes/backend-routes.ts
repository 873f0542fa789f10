// /api/services/:id/backends: add, change and remove one backend.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { BackendDto } from '@fulcrum/shared/api';
import { notFound } from '../http/api-error.ts';
import { answerWith, checksFor } from '../config/address-checks.ts';
import { addBackend, removeBackend, updateBackend } from '../config/backend-changes.ts';
import { parseIfMatch } from '../config/input-checks.ts';
import { BackendParams, CHANGE_ERRORS, DeleteBody, IfMatchHeaders, ServiceParams, errorResponses, withWarnings } from '../schemas/common-schemas.ts';
import { BackendInput, BackendSchema, PatchBackendBody } from '../schemas/service-schemas.ts';
import { RebalanceAnswer, RebalanceBody } from '../schemas/rebalance-schemas.ts';
import { REBALANCE_DEFAULT_WINDOW_MS } from '@fulcrum/shared/limits';
import type { RouteDeps } from './route-deps.ts';
import { etag } from './service-routes.ts';

/** How long POST of a discovery group waits for its first resolution before answering. */
const FIRST_RESOLUTION_WAIT_MS = 3000;

export const backendRoutes: FastifyPluginAsync<RouteDeps> = async (app, { config, discovery, node, engine }) => {
  /** Checks for a backend address of service `id`: its host and those of the service's other backends are looked up first. */
  const checksForBackend = (id: number, address: string | undefined) =>
    checksFor(address === undefined ? [] : [address, ...(config.service(id)?.backends.map((b) => b.address) ?? [])], node.listenHost ?? undefined);

  const committed = (serviceId: number, backendId: number, reply: FastifyReply): BackendDto => {
    const service = config.service(serviceId);
    const backend = service?.backends.find((b) => b.id === backendId);
    if (!service || !backend) throw notFound(`backend ${backendId} of service ${serviceId}`);
    void reply.header('etag', etag(service.version));
    return backend.discover === undefined ? backend : { ...backend, discovery: discovery.status(backendId) };
  };

  app.post<{ Params: ServiceParams; Body: BackendInput }>(
    '/services/:id/backends',
    {
      schema: {
        summary: 'Add a backend (`address`) or a DNS discovery group (`discover`) to a service',
        description:
          'Refused (400 SELF_LOOP) when the address is the service\'s own listener. Answers `warnings` when the host name does ' +
          'not resolve (UNRESOLVED_HOST; looked up for at most 1.5 s) or names the same endpoint as another backend (SAME_ENDPOINT). ' +
          'A discovery group (`{"discover": {"type": "dns", "name": "redis.internal", "port": 6379}}` or ' +
          '`{"discover": {"type": "srv", "name": "_redis._tcp.internal"}}`) is answered after its first resolution (at most 3 s) ' +
          'with `discovery`: its members and last resolution; members take traffic once a health check passes.',
        tags: ['backends'],
        params: ServiceParams,
        headers: IfMatchHeaders,
        body: BackendInput,
        response: { 201: withWarnings(BackendSchema), ...errorResponses(...CHANGE_ERRORS, 404, 409, 414, 422) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const ifMatch = parseIfMatch(request.headers['if-match']);
      const checks = await checksForBackend(id, request.body.address);
      const backendId = await config.change(request.actor, (ctx) => addBackend(ctx, id, request.body, ifMatch, checks));
      if (request.body.discover !== undefined) await discovery.settled(backendId, FIRST_RESOLUTION_WAIT_MS);
      void reply.code(201).header('location', `/api/services/${id}/backends/${backendId}`);
      return answerWith(committed(id, backendId, reply), checks.warnings);
    },
  );

  app.patch<{ Params: BackendParams; Body: PatchBackendBody }>(
    '/services/:id/backends/:backendId',
    {
      schema: {
        summary: 'Change a backend (weight, state, backup, maxConnections, agentCheck, address)',
        description: 'A new address is checked as in POST (SELF_LOOP, `warnings`).',
        tags: ['backends'],
        params: BackendParams,
        headers: IfMatchHeaders,
        body: PatchBackendBody,
        response: { 200: withWarnings(BackendSchema), ...errorResponses(...CHANGE_ERRORS, 404, 409, 414, 422) },
      },
    },
    async (request, reply) => {
      const { id, backendId } = request.params;
      const ifMatch = parseIfMatch(request.headers['if-match']);
      const checks = await checksForBackend(id, request.body.address);
      await config.change(request.actor, (ctx) => updateBackend(ctx, id, backendId, request.body, ifMatch, checks));
      return answerWith(committed(id, backendId, reply), checks.warnings);
    },
  );

  app.post<{ Params: BackendParams; Body: RebalanceBody }>(
    '/services/:id/backends/:backendId/rebalance',
    {
      schema: {
        summary: 'Rebalance a backend: end its connections gracefully, evenly spread over a window',
        description:
          'Each connection relaying now is ended with FIN both ways after the bytes in flight (never a reset), one after ' +
          `another over \`windowMs\` (default ${REBALANCE_DEFAULT_WINDOW_MS}); the backend stays in rotation, so clients that reconnect ` +
          'are placed by the strategy again. A rebalance of the same backend still running is replaced; removing the backend ' +
          'cancels it. Events: backend-rebalanced (the audit entry), rebalance-started, rebalance-ended. On a discovery group, ' +
          'each current member is rebalanced. With --workers every worker rebalances its own connections.',
        tags: ['backends'],
        params: BackendParams,
        body: RebalanceBody,
        response: { 202: RebalanceAnswer, ...errorResponses(...CHANGE_ERRORS, 404, 414) },
      },
    },
    async (request, reply) => {
      const { id, backendId } = request.params;
      const windowMs = request.body?.windowMs ?? REBALANCE_DEFAULT_WINDOW_MS;
      const answer = await config.recordChange(request.actor, (ctx): RebalanceAnswer => {
        const service = config.service(id);
        const backend = service?.backends.find((b) => b.id === backendId);
        if (!service || !backend) throw notFound(`backend ${backendId} of service ${id}`);
        ctx.audit({
          kind: 'backend-rebalanced',
          serviceId: id,
          backendId,
          message: `backend ${backend.address} of "${service.name}" rebalanced: its connections end over ${windowMs} ms`,
          details: { address: backend.address, windowMs },
        });
        // Inside the change: no removal of the backend can come between the check and the start.
        const targets = backend.discover === undefined ? [backendId] : (discovery.status(backendId)?.members.map((m) => m.id) ?? []);
        let connections: number | null = 0;
        for (const target of targets) {
          const started = engine.rebalance(id, target, windowMs);
          if (started === null) continue;
          connections = connections === null || started.connections === null ? null : connections + started.connections;
        }
        return { serviceId: id, backendId, windowMs, connections };
      });
      return reply.code(202).send(answer);
    },
  );

  app.delete<{ Params: BackendParams; Body: DeleteBody }>(
    '/services/:id/backends/:backendId',
    {
      schema: {
        summary: 'Remove a backend; its connections drain (If-Match or {"version": N} checks the service version)',
        tags: ['backends'],
        params: BackendParams,
        headers: IfMatchHeaders,
        body: DeleteBody,
        response: { 204: Type.Null({ description: 'removed' }), ...errorResponses(400, 401, 403, 404, 409, 414, 422) },
      },
    },
    async (request, reply) => {
      const { id, backendId } = request.params;
      const ifMatch = parseIfMatch(request.headers['if-match']);
      await config.change(request.actor, (ctx) => removeBackend(ctx, id, backendId, ifMatch, request.body?.version));
      return reply.code(204).send();
    },
  );
};
