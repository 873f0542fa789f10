// Typed events the engine emits. Discrete and rare (never per connection): the admin
// stores them in the event log and pushes them to browsers.
import type { AdminState, HealthState } from './config.ts';
import type { AgentState, RebalanceOutcome } from '@fulcrum/shared/enums';

export interface BackendHealthEvent {
  time: number;
  serviceId: number;
  /** The service's name when the event happened (the admin may not have committed it yet). */
  serviceName?: string;
  backendId: number;
  address: string;
  from: HealthState;
  to: HealthState;
  /** Why, e.g. `fall: 3 × connect timeout` or `passive: 3 consecutive connect failures`. */
  reason: string;
}

export interface BackendStateEvent {
  time: number;
  serviceId: number;
  /** The service's name when the event happened (the admin may not have committed it yet). */
  serviceName?: string;
  backendId: number;
  address: string;
  from: AdminState;
  to: AdminState;
}

/**
 * What a backend's agent says changed: its state, its weight percentage, or whether it answers
 * (README "Agent checks"). Never per poll; a changing reason text alone is no event.
 */
export interface BackendAgentEvent {
  time: number;
  serviceId: number;
  /** The service's name when the event happened (the admin may not have committed it yet). */
  serviceName?: string;
  backendId: number;
  address: string;
  from: AgentState | null;
  to: AgentState | null;
  weightPercent: number | null;
  /** The backend's effective weight after the change (0: no new connections). */
  effectiveWeight: number;
  /** The agent's `#reason` text, if it gave one. */
  reason: string | null;
  /** Set when the agent stopped answering (its last word stays in force). */
  error: string | null;
}

export interface BackendDrainedEvent {
  time: number;
  serviceId: number;
  /** The service's name when the event happened (the admin may not have committed it yet). */
  serviceName?: string;
  backendId: number;
  address: string;
  /** Connections still open when the drain timeout passed, closed by the engine. */
  closedByTimeout: number;
  /** true when the backend was removed from the config (vs. set to `draining`). */
  removed: boolean;
}

export interface ServiceErrorEvent {
  time: number;
  serviceId: number;
  /** The service's name when the event happened (the admin may not have committed it yet). */
  serviceName?: string;
  code: string;
  message: string;
}

/** Which passive detector found a backend an outlier: a streak of failures, or the failure rate of its latest connections. */
export type PassiveDetector = 'consecutive' | 'failure-rate';

/**
 * External health mode: `streak` consecutive real connection failures (connect, or reset/close
 * before the first byte) to a backend in this process, or (detector `failure-rate`) its latest
 * connections here failed at `passiveFailurePercent` or more; `reason` is then the ejection reason.
 */
export interface PassiveFailureEvent {
  time: number;
  serviceId: number;
  /** The service's name when the event happened (the admin may not have committed it yet). */
  serviceName?: string;
  backendId: number;
  address: string;
  reason: string;
  streak: number;
  detector: PassiveDetector;
}

/** A rebalance of a backend started (LoadBalancer.rebalance): `connections` will be ended over `windowMs`. */
export interface RebalanceStartedEvent {
  time: number;
  serviceId: number;
  /** The service's name when the event happened. */
  serviceName?: string;
  backendId: number;
  address: string;
  /** The rebalance's id (the same in every worker process). */
  rebalanceId: number;
  windowMs: number;
  /** The backend's relaying connections at the start: the ones this rebalance ends. */
  connections: number;
}

/** A rebalance ended: all its connections were reached (`done`), a new one took over, or the backend went away. */
export interface RebalanceEndedEvent {
  time: number;
  serviceId: number;
  /** The service's name when the event happened. */
  serviceName?: string;
  backendId: number;
  address: string;
  rebalanceId: number;
  /** Connections it ended (the others of `connections` had ended by themselves, or were not reached). */
  closed: number;
  outcome: RebalanceOutcome;
}

/** Event map for LoadBalancer (Node's typed EventEmitter). */
export interface EngineEvents {
  'backend-health': [BackendHealthEvent];
  'backend-state': [BackendStateEvent];
  'backend-agent': [BackendAgentEvent];
  'backend-drained': [BackendDrainedEvent];
  'service-error': [ServiceErrorEvent];
  'passive-failure': [PassiveFailureEvent];
  'rebalance-started': [RebalanceStartedEvent];
  'rebalance-ended': [RebalanceEndedEvent];
}
