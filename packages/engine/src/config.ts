// The engine's configuration: a full snapshot handed to apply(). The engine never reads a
// store or the environment; the admin builds this from SQLite.
import type { StrategyName } from '@fulcrum/shared/strategies';
import type { AgentCheckDto, ClientLimitsDto, HealthCheckSettings, RateLimitDto, StrategyOptionsDto } from '@fulcrum/shared/api';
import type { AdminState, HealthCheckRole, HealthCheckType, HealthState, ProxyProtocolMode } from '@fulcrum/shared/enums';

// The shapes the admin API and the engine share are defined once, in @fulcrum/shared.
export type { AdminState, HealthCheckRole, HealthCheckType, HealthState, ProxyProtocolMode, StrategyName };

/** Active + passive health settings of a service (the stored shape: with the check's password). */
export type HealthCheckConfig = HealthCheckSettings;

export type StrategyOptions = StrategyOptionsDto;

/** A service's `limits` (README "How much one client may take: `limits`"). */
export type ClientLimitsConfig = ClientLimitsDto;

/** A token bucket of `limits.perClientRate` / `limits.serviceRate`. */
export type RateLimitConfig = RateLimitDto;

/** Where and how often an agent is asked (README "Agent checks"). */
export type AgentCheckConfig = AgentCheckDto;

/** One backend of a service. `id` (the admin's database id) is stable across applies; it is how changes are diffed. */
export interface BackendConfig {
  id: number;
  host: string;
  port: number;
  /** 0 = no new connections; 1–1000 otherwise. */
  weight: number;
  state: AdminState;
  backup: boolean;
  /** 0 = unlimited. */
  maxConnections: number;
  /** This backend's agent check; null/absent = the service's. */
  agentCheck?: AgentCheckConfig | null;
  /** PROXY protocol header sent to this backend (and its health checks); null/absent = the service's. */
  proxyProtocol?: ProxyProtocolMode | null;
}

/** One service: a listening port and the backends behind it. */
export interface ServiceConfig {
  /** Stable across applies (the admin's database id). */
  id: number;
  name: string;
  host: string;
  port: number;
  strategy: StrategyName;
  strategyOptions: StrategyOptions;
  connectTimeoutMs: number;
  /** 0 = no idle timeout. */
  idleTimeoutMs: number;
  /** Connect attempts on other backends after the first one fails. */
  retries: number;
  /** How long draining connections may last before they are closed; 0 = no limit. */
  drainTimeoutMs: number;
  /** Clients waiting for a free backend slot when every backend is at maxConnections (0 = reject at once). */
  maxQueue: number;
  queueTimeoutMs: number;
  /**
   * Connections older than this (measured from accept, each scaled by 1 ± 10 % jitter) are closed
   * gracefully (connection-lifetime.ts); 0 or absent = off.
   */
  maxConnectionLifetimeMs?: number;
  /** Client CIDRs served when non-empty; absent or [] = everyone (README "Who may connect"). */
  allow?: string[];
  /** Client CIDRs always refused (wins over allow). */
  deny?: string[];
  /** PROXY protocol header sent to backends without a setting of their own; absent = 'off'. */
  proxyProtocol?: ProxyProtocolMode;
  /** Peers that must open with a PROXY protocol header (README "PROXY protocol"); null/absent = off. */
  acceptProxyProtocol?: { from: string[] } | null;
  /** How much one client may take; absent = no limits (README "How much one client may take: `limits`"). */
  limits?: ClientLimitsConfig;
  /**
   * TLS server names this service serves on a listen address it may share with other services
   * (README "TLS SNI routing"); null/absent = no SNI routing (alone on its address, or the
   * address's default route).
   */
  sni?: string[] | null;
  healthCheck: HealthCheckConfig;
  /** Agent check of every backend without one of its own; null/absent = off. */
  agentCheck?: AgentCheckConfig | null;
  backends: BackendConfig[];
}

export interface EngineConfig {
  services: ServiceConfig[];
}

// Defaults are declared once, in @fulcrum/shared (README "Service options and defaults").
export { BACKEND_DEFAULTS, CLIENT_LIMITS_DEFAULTS, HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS } from '@fulcrum/shared/defaults';
