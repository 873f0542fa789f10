// GET /api/services/:id/history: the service's recorded metrics over a range, with the events to
// mark on the charts. Points come from the history worker (history.db); marks from the event log.
import type { FastifyPluginAsync } from 'fastify';
import { HISTORY_MARK_KINDS } from '@fulcrum/shared/history';
import type { HistoryDto } from '@fulcrum/shared/history';
import { ApiError, notFound } from '../http/api-error.ts';
import { HistoryUnavailableError } from '../history/history-writer.ts';
import { planHistory, slotQuery, toSeries } from '../history/history-view.ts';
import { Type } from '@sinclair/typebox';
import { API_ERROR_CODES } from '@fulcrum/shared/api';
import { AUTH_ERRORS, ApiErrorBodySchema, ServiceParams, errorResponses } from '../schemas/common-schemas.ts';
import { HistoryQuery, HistorySchema } from '../schemas/history-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { findNode, forwardedCredentials, getFromNode } from '../fleet/node-forward.ts';
import { signNodeAssertion } from '../fleet/node-assertion.ts';

/** Marks per answer at most (the newest). */
const MAX_MARKS = 500;

/** The /services/:id/history route. */
export const historyRoutes: FastifyPluginAsync<RouteDeps> = async (app, { config, store, history, node, cluster, clusterSecret }) => {
  app.get<{ Params: ServiceParams; Querystring: HistoryQuery }>(
    '/services/:id/history',
    {
      schema: {
        summary: "A service's metric history and the events to mark on it",
        description:
          'Time-aligned slots (`times`) with one value per slot in every series (the service and each backend), null where this admin was not running. ' +
          'The step grows with the range (about 360 slots at most): 10 s for 5m and 1h, 1 min for 6h, 4 min for 24h, 28 min for 7d. ' +
          'History is kept per node in its data directory: 24 h at 10 s, 7 days at 1 min. ' +
          "`node` names a cluster node (GET /api/cluster) whose history to answer: this admin asks that node's admin with the caller's credentials (5 s at most) and answers its status and body; " +
          'a Bearer token goes along as is, a browser session as a node assertion (header x-fulcrum-node-assertion) signed with the cluster secret; ' +
          'absent or this node: this node. UNKNOWN_NODE (400) for a name not in the cluster, NODE_UNREACHABLE (502) when that node does not answer, ' +
          'NODE_REFUSED_CREDENTIALS (502) when it answers 401 (e.g. a node from before node assertions).',
        tags: ['stats'],
        params: ServiceParams,
        querystring: HistoryQuery,
        response: {
          200: HistorySchema,
          ...errorResponses(400, ...AUTH_ERRORS, 404, 502),
          503: Type.Ref(ApiErrorBodySchema.$id!, { description: `HISTORY_UNAVAILABLE: ${API_ERROR_CODES.HISTORY_UNAVAILABLE}` }),
        },
      },
    },
    async (request, reply): Promise<HistoryDto> => {
      const { id } = request.params;
      const { range } = request.query;
      const other = request.query.node;
      if (other !== undefined && other !== node.name) {
        const target = findNode(await cluster(), other);
        // Without `node`: the other admin answers its own history, never forwards again.
        const path = `/api/services/${id}/history?range=${encodeURIComponent(range)}`;
        const secret = clusterSecret?.get();
        // Only for a caller without a Bearer header (a session): a token is valid there as it is.
        const assertion =
          secret && request.tokenId !== undefined && request.headers.authorization === undefined
            ? signNodeAssertion(secret, request.tokenId, { method: 'GET', pathWithQuery: path, targetNode: target.name })
            : undefined;
        const answer = await getFromNode(target, path, forwardedCredentials(request.headers, assertion));
        if (answer.status === 200 && !Array.isArray((answer.body as { times?: unknown } | null)?.times)) {
          throw new ApiError(502, 'NODE_UNREACHABLE', `node: node "${other}" at ${target.adminUrl} answered something that is not a history`, 'node');
        }
        return reply.code(answer.status).send(answer.body);
      }
      const service = config.service(id);
      if (!service) throw notFound(`service ${id}`);
      const plan = planHistory(range, Date.now(), history.bucketMs, history.coarseMs, history.retention.fineMs);
      let rows;
      try {
        rows = await history.writer.query(slotQuery(id, plan));
      } catch (err) {
        if (err instanceof HistoryUnavailableError) throw new ApiError(503, 'HISTORY_UNAVAILABLE', err.message, undefined, { cause: err });
        throw err;
      }
      const since = new Date(plan.from).toISOString();
      const until = new Date(Math.max(plan.to, Date.now())).toISOString();
      // Through the config mutex: a change in flight holds uncommitted audit rows on this connection.
      const events = await config.runExclusive(() => store.events.marks(id, HISTORY_MARK_KINDS, since, until, MAX_MARKS));
      const addresses = new Map(service.backends.map((b) => [b.id, b.address]));
      return {
        serviceId: id,
        range,
        stepMs: plan.stepMs,
        times: plan.times,
        ...toSeries(plan, rows, addresses),
        marks: events.reverse().map((e) => ({
          id: e.id,
          time: e.time,
          kind: e.kind,
          backendId: e.backendId,
          message: e.message,
          health: e.kind === 'backend-health' && typeof e.details.to === 'string' ? e.details.to : null,
        })),
      };
    },
  );
};
