// Response schema of GET /api/cluster (ClusterDto in @fulcrum/shared/cluster).
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { NODE_STATES } from '@fulcrum/shared/cluster';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { literalUnion } from './common-schemas.ts';
import { BackendStatsSchema, ServiceStatsSchema } from './stats-schemas.ts';

const NodeBackendStatsSchema = Type.Pick(BackendStatsSchema, ['id', 'health', 'removed', 'active', 'total', 'bytesIn', 'bytesOut', 'connectFailures', 'group', 'agent']);
const NodeServiceStatsSchema = Type.Object({
  ...Type.Pick(ServiceStatsSchema, ['id', 'active', 'total', 'rejected', 'rejectedByReason', 'queued', 'bytesIn', 'bytesOut']).properties,
  backends: Type.Array(NodeBackendStatsSchema),
});
const NodeStatsSchema = Type.Object({
  time: Type.Number({ description: 'when the node took the sample, ms since the epoch' }),
  services: Type.Array(NodeServiceStatsSchema),
});

const ClusterNodeSchema = Type.Object({
  name: Type.String(),
  adminUrl: Type.String(),
  listenHost: Type.Union([Type.String(), Type.Null()]),
  appliedVersion: Type.Integer(),
  state: literalUnion(NODE_STATES),
  lastApplyError: Type.Union([Type.String(), Type.Null()]),
  lastSeen: Type.String({ description: 'last heartbeat, ISO 8601' }),
  uptimeMs: Type.Integer(),
  activeConnections: Type.Integer(),
  lag: Type.Integer({ description: 'versions behind the cluster' }),
  self: Type.Boolean({ description: 'the node that answered' }),
  stats: Type.Union([NodeStatsSchema, Type.Null()], {
    description: "the node's counters and backend health per service at its last heartbeat (null: the node did not report them)",
  }),
});

export const ClusterSchema = Type.Object({
  version: Type.Integer({ description: "the store's configuration version" }),
  store: literalUnion(['sqlite', 'postgres'] as const),
  storeError: Type.Union([Type.String(), Type.Null()], { description: 'why the shared store is unreachable now (null: reachable)' }),
  nodes: Type.Array(ClusterNodeSchema),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _clusterAgrees: Same<Static<typeof ClusterSchema>, ClusterDto> = true;
