// What a service (service.ts) reports to the load balancer that owns it. Generic in the
// service type so this file needs nothing from service.ts (which names the instance: ServiceHost).
import type { AgentViewDto } from '@fulcrum/shared/api';
import type { Backend } from './backend.ts';
import type { HealthState } from './config.ts';
import type { PassiveDetector } from './events.ts';
import type { Rebalance } from './rebalance.ts';
import type { RebalanceOutcome } from '@fulcrum/shared/enums';

/** What a service of type S needs from the load balancer that owns it. */
export interface ServiceHostOf<S> {
  readonly random: () => number;
  /** The id of the connection being accepted (unique in this process, increasing). */
  nextConnectionId(): number;
  /** A backend finished draining (its last connection closed, or the drain timeout passed). */
  onDrained(service: S, backend: Backend, closedByTimeout: number): void;
  /** A backend's health changed (active check, passive detection, or checks disabled). */
  onHealth(service: S, backend: Backend, from: HealthState, to: HealthState, reason: string): void;
  /** What a backend's agent says changed (state, weight percentage, or whether it answers). */
  onAgent(service: S, backend: Backend, view: AgentViewDto, previous: AgentViewDto): void;
  /** An operator changed a backend's admin state. */
  onStateChange(service: S, backend: Backend, from: Backend['adminState']): void;
  /** External health mode: a backend reached `passiveFailures` consecutive real connection failures here, or its failure rate tripped. */
  onPassiveThreshold(service: S, backend: Backend, reason: string, detector: PassiveDetector): void;
  /** true: no local health checks; setBackendHealth() drives health (worker processes). */
  readonly externalHealth: boolean;
  /** The service's listener or this process failed it (accept error, no descriptor left): worth an operator's attention. */
  onServiceError(service: S, code: string, message: string): void;
  /** A rebalance of one of the service's backends started. */
  onRebalanceStart(service: S, rebalance: Rebalance): void;
  /** A rebalance ended (once per rebalance). */
  onRebalanceEnd(service: S, rebalance: Rebalance, outcome: RebalanceOutcome): void;
  /** A retired service has no connections left. */
  onServiceGone(service: S): void;
}
