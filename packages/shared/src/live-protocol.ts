// Messages the admin pushes over the WebSocket at /api/live. Server → client only.
import type { EventDto, ServiceDto, StatsDto } from './api.ts';
import type { ClusterDto } from './cluster.ts';

/** Sent once on connect: the full configuration and the latest stats. */
export interface HelloMessage {
  type: 'hello';
  services: ServiceDto[];
  stats: StatsDto;
}

/** A stats sample, pushed at least twice a second. */
export interface StatsMessage {
  type: 'stats';
  stats: StatsDto;
}

/** A discrete event (config change, health transition, drain finished…), pushed as it happens. */
export interface EventMessage {
  type: 'event';
  event: EventDto;
}

/** The configuration after a committed change (made through this node or, in a cluster, any node). */
export interface ConfigMessage {
  type: 'config';
  services: ServiceDto[];
  /** The configuration version this node now runs (see GET /api/cluster). */
  version: number;
}

/** The cluster view (GET /api/cluster), pushed when a node's state or version changes. */
export interface ClusterMessage {
  type: 'cluster';
  cluster: ClusterDto;
}

export type LiveMessage = HelloMessage | StatsMessage | EventMessage | ConfigMessage | ClusterMessage;
