// The live connection list of a service (README "Connections"): list a page, close one
// connection, close every connection of one backend (HAProxy's `show sess` / `shutdown session`).
// The list is this node's: with several nodes sharing a store each lists and closes its own.
// A close is a change: it needs the same credentials as any change and is audited.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ConnectionDto } from '@fulcrum/shared/connections';
import { fromEngineError, notFound } from '../http/api-error.ts';
import { AUTH_ERRORS, BackendParams, CHANGE_ERRORS, ServiceParams, errorResponses } from '../schemas/common-schemas.ts';
import { ConnectionPageSchema, ConnectionParams, ConnectionsClosedSchema, ConnectionsQuery } from '../schemas/connection-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

/** `client → backend` for an audit message. */
function describeConnection(c: ConnectionDto): string {
  return `${c.client} → ${c.backend ?? 'no backend (queued)'}`;
}

export const connectionRoutes: FastifyPluginAsync<RouteDeps> = async (app, { config, engine }) => {
  /** The service's name, or 404; with `backendId`, that backend's address too (404 if the service has no such backend). */
  const lookup = (serviceId: number, backendId?: number): { service: string; backend: string | null } => {
    const service = config.service(serviceId);
    if (!service) throw notFound(`service ${serviceId}`);
    if (backendId === undefined) return { service: service.name, backend: null };
    const backend = service.backends.find((b) => b.id === backendId);
    if (!backend) throw notFound(`backend ${backendId} of service ${serviceId}`);
    return { service: service.name, backend: backend.address };
  };

  /** Runs an engine call; its errors (a worker not answering) leave as the API's errors. */
  const ask = async <T>(call: () => T | Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      throw fromEngineError(err);
    }
  };

  app.get<{ Params: ServiceParams; Querystring: ConnectionsQuery }>(
    '/services/:id/connections',
    {
      schema: {
        summary: "A page of the service's live connections on this node",
        description:
          'Ordered by connection id; page with `after` = the previous page\'s `next`. States: queued, connecting, established, ' +
          'half-closed, draining. With --workers every worker is asked and the pages merged; in a cluster each node lists its own.',
        tags: ['connections'],
        params: ServiceParams,
        querystring: ConnectionsQuery,
        response: { 200: ConnectionPageSchema, ...errorResponses(400, ...AUTH_ERRORS, 404, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { backendId, limit, after } = request.query;
      lookup(id, backendId);
      return ask(() => engine.listConnections(id, { backendId, limit, after }));
    },
  );

  app.delete<{ Params: ConnectionParams }>(
    '/services/:id/connections/:connectionId',
    {
      schema: {
        summary: 'Close one connection now (both sides, like HAProxy\'s shutdown session)',
        description: 'The client and the backend see the socket closed at once; bytes not yet relayed are dropped. Audited as `connection-closed`.',
        tags: ['connections'],
        params: ConnectionParams,
        response: { 200: ConnectionsClosedSchema, ...errorResponses(...CHANGE_ERRORS, 404) },
      },
    },
    async (request) => {
      const { id, connectionId } = request.params;
      const { service } = lookup(id);
      // The row first: the audit names the client and the backend, and an unknown id is a 404.
      const row = (await ask(() => engine.listConnections(id, { after: connectionId - 1, limit: 1 }))).connections[0];
      if (row?.id !== connectionId || !(await ask(() => engine.closeConnection(id, connectionId)))) throw notFound(`connection ${connectionId} of service ${id}`);
      await audit(request, {
        kind: 'connection-closed',
        serviceId: id,
        backendId: row.backendId,
        message: `connection ${connectionId} of service "${service}" (${describeConnection(row)}) closed`,
        details: { connectionId, client: row.client, backend: row.backend, state: row.state, bytesIn: row.bytesIn, bytesOut: row.bytesOut },
      });
      return { closed: 1 };
    },
  );

  app.post<{ Params: BackendParams }>(
    '/services/:id/backends/:backendId/close-connections',
    {
      schema: {
        summary: 'Close every connection of one backend now',
        description: 'As DELETE of each connection the backend holds on this node. No body. Audited as `backend-connections-closed` (with the count).',
        tags: ['connections'],
        params: BackendParams,
        response: { 200: ConnectionsClosedSchema, ...errorResponses(...CHANGE_ERRORS, 404) },
      },
    },
    async (request) => {
      const { id, backendId } = request.params;
      const { service, backend } = lookup(id, backendId);
      const closed = await ask(() => engine.closeBackendConnections(id, backendId));
      await audit(request, {
        kind: 'backend-connections-closed',
        serviceId: id,
        backendId,
        message: `${closed} connection${closed === 1 ? '' : 's'} of backend ${backend} of service "${service}" closed`,
        details: { closed, backend },
      });
      return { closed };
    },
  );

  type Audit = Omit<Parameters<typeof config.recordEvent>[0], 'actor'>;
  const audit = (request: FastifyRequest, event: Audit) => config.recordEvent({ ...event, actor: request.actor } as Parameters<typeof config.recordEvent>[0]);
};
