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

/** The configuration after a committed change. */
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

/** WebSocket close codes the admin sends on /api/live, and what each asks of the client. */
export const LIVE_CLOSE_CODES = {
  /** The server is shutting down: reconnect with backoff. */
  goingAway: 1001,
  /** The token this client authenticated with (Bearer or `?token=`) was revoked: do not reconnect with it. */
  credentialsRevoked: 1008,
  /** The client fell too far behind: reconnect for a fresh `hello`. */
  tooSlow: 1013,
  /**
   * The browser session this client opened the socket with has ended (logout in any tab, its token
   * revoked, or its idle timeout passed): do not reconnect with it, sign in again. 4401 mirrors
   * HTTP 401 in the application range (4000-4999), as graphql-ws does.
   */
  sessionEnded: 4401,
} as const;

export type LiveCloseCode = (typeof LIVE_CLOSE_CODES)[keyof typeof LIVE_CLOSE_CODES];
