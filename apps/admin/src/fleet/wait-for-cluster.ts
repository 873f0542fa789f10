// `?wait=cluster` (or the header `Fulcrum-Wait: cluster`) on a change: the answer waits until every
// live node runs the new version, or WAIT_TIMEOUT_MS passes, and names the nodes in headers.
// Every change's answer carries `Fulcrum-Config-Version`, the version this node runs after it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../http/api-error.ts';
import type { ConfigService } from '../config/config-service.ts';
import type { ClusterLink } from './cluster-link.ts';

/** How long `?wait=cluster` waits at most. */
export const WAIT_TIMEOUT_MS = 10_000;

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const waiting = new WeakMap<FastifyRequest, true>();

/** Adds the version header and the cluster wait to every change under `app`. */
export function registerClusterWait(app: FastifyInstance, config: ConfigService, link: ClusterLink | undefined, nodeName: string): void {
  // Taken out of the query before validation, so every route accepts it.
  app.addHook('preValidation', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    const fromQuery = query && typeof query === 'object' ? query.wait : undefined;
    if (fromQuery !== undefined) delete query!.wait;
    const value = fromQuery ?? request.headers['fulcrum-wait'];
    if (value === undefined) return;
    if (value !== 'cluster') throw new ApiError(400, 'VALIDATION_ERROR', 'wait: must be cluster', 'wait');
    if (CHANGES.has(request.method)) waiting.set(request, true);
  });
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    if (!CHANGES.has(request.method) || reply.statusCode >= 300) return payload;
    const version = config.version;
    void reply.header('fulcrum-config-version', String(version));
    if (waiting.has(request)) {
      // A single node is the whole cluster: it has applied what it answers.
      const { applied, pending } = link ? await link.waitForVersion(version, WAIT_TIMEOUT_MS) : { applied: [nodeName], pending: [] };
      void reply.header('fulcrum-cluster-applied', applied.join(','));
      void reply.header('fulcrum-cluster-pending', pending.join(','));
    }
    return payload;
  });
}
