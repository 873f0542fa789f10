// Public surface of @fulcrum/engine. Nothing else is imported from outside the package.
export { createLoadBalancer, LoadBalancer } from './load-balancer.ts';
export type { LoadBalancerOptions, CloseOptions, ListenerInfo } from './load-balancer.ts';
export type { ConnectionQuery } from './connection-list.ts';
export { ENDING_GRACE_MS } from './connection.ts';
export type {
  AdminState,
  AgentCheckConfig,
  BackendConfig,
  ClientLimitsConfig,
  EngineConfig,
  HealthCheckConfig,
  HealthCheckType,
  HealthState,
  RateLimitConfig,
  ServiceConfig,
  StrategyName,
  StrategyOptions,
} from './config.ts';
export { BACKEND_DEFAULTS, CLIENT_LIMITS_DEFAULTS, HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS } from './config.ts';
export { clientKey } from './client-key.ts';
export { validateConfig } from './validate-config.ts';
export { ENGINE_ERROR_CODES, EngineError, EngineClosedError, InvalidConfigError, ListenError, WorkerUnavailableError } from './errors.ts';
export type { EngineErrorCode } from './errors.ts';
export type { BackendAgentEvent, BackendDrainedEvent, BackendHealthEvent, BackendStateEvent, EngineEvents, PassiveDetector, PassiveFailureEvent, RebalanceEndedEvent, RebalanceStartedEvent, ServiceErrorEvent } from './events.ts';
export { HealthChecker } from './health/health-checker.ts';
export type { EjectionCappedListener, HealthCheckerOptions, HealthTarget } from './health/health-checker.ts';
export { EJECTION_CAPPED, ejectionCappedMessage } from './outlier/ejection-capped.ts';
export { ServiceErrorGate } from './service-error-gate.ts';
export { slowStartFactor } from './health/slow-start.ts';
export { AgentChecker } from './health/agent-checker.ts';
export type { AgentTarget } from './health/agent-checker.ts';
export { parseAgentReply } from './health/agent-reply.ts';
export type { BackendStats, EngineStats, ServiceStats } from './stats.ts';
export { connectionCloseChannel } from './diagnostics.ts';
export { nativeRelayCheck } from './relay-choice.ts';
export type { RelayCheck, RelayInfo, RelayMode, RelayName } from './relay-choice.ts';
export type { CloseReason, ConnectionCloseMessage } from './diagnostics.ts';
