// GET /api/cluster: every node sharing the configuration, with the version each one runs.
// This is the single-node (SQLite) answer: the node itself alone, always in step. The shared
// PostgreSQL store replaces the internals; the schema is the wire contract of
// @fulcrum/shared/cluster and stays. Kept in this one file on purpose until then.
import { hostname } from 'node:os';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { NODE_STATES, type ClusterDto } from '@fulcrum/shared/cluster';
import { AUTH_ERRORS, errorResponses, literalUnion } from '../schemas/common-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

const ClusterNodeSchema = Type.Object({
  name: Type.String({ description: '--node-name (default: the host name)' }),
  adminUrl: Type.String({ description: "where this node's admin API answers (scheme://host:port)" }),
  listenHost: Type.Union([Type.String(), Type.Null()], { description: "--listen-host on that node; null: each service's own host" }),
  appliedVersion: Type.Integer({ description: 'the configuration version this node runs' }),
  state: literalUnion(NODE_STATES),
  lastApplyError: Type.Union([Type.String(), Type.Null()], { description: 'why the last version could not be applied (state apply-failed)' }),
  lastSeen: Type.String({ description: "the node's last heartbeat (ISO 8601)" }),
  uptimeMs: Type.Integer(),
  activeConnections: Type.Integer({ description: 'proxied connections open on this node' }),
  lag: Type.Integer({ description: 'versions this node is behind the cluster (0 when in step)' }),
  self: Type.Boolean({ description: 'true for the node that answered' }),
});

/** GET /api/cluster response. */
export const ClusterSchema = Type.Object({
  version: Type.Integer({ description: "the store's current configuration version" }),
  store: literalUnion(['sqlite', 'postgres'] as const),
  nodes: Type.Array(ClusterNodeSchema),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _clusterAgrees: Same<Static<typeof ClusterSchema>, ClusterDto> = true;

/** scheme://host:port this request reached the admin on (the Host header, as the browser used it). */
function adminUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export const clusterRoutes: FastifyPluginAsync<RouteDeps> = async (app, { config, engine }) => {
  app.get(
    '/cluster',
    {
      schema: {
        summary: 'The nodes sharing this configuration and the version each one runs',
        description: 'A single node with the embedded SQLite store answers itself alone (store `sqlite`), always in step.',
        tags: ['cluster'],
        response: { 200: ClusterSchema, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request): Promise<ClusterDto> => {
      // Without a shared store the configuration version is the newest service version.
      const version = config.services.reduce((max, s) => Math.max(max, s.version), 0);
      const activeConnections = engine.stats().services.reduce((sum, s) => sum + s.active, 0);
      return {
        version,
        store: 'sqlite',
        nodes: [
          {
            name: hostname(),
            adminUrl: adminUrlOf(request),
            listenHost: null,
            appliedVersion: version,
            state: 'in-step',
            lastApplyError: null,
            lastSeen: new Date().toISOString(),
            uptimeMs: Math.round(process.uptime() * 1000),
            activeConnections,
            lag: 0,
            self: true,
          },
        ],
      };
    },
  );
};
