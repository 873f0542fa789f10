// The closed lists of names the API, the engine and the console share. Each list is declared
// here once; schemas, validators and UI pickers are built from it, and each type is derived
// from its list so adding a name is one edit.

/** Includes `value` in `list`, narrowing it to the list's type. */
export function isOneOf<const T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

/** A backend's operator-set state. */
export const ADMIN_STATES = ['enabled', 'disabled', 'draining'] as const;
export type AdminState = (typeof ADMIN_STATES)[number];

/** A backend's health as the checks see it (runtime only, never persisted). */
export const HEALTH_STATES = ['unknown', 'up', 'down'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/**
 * What a backend's agent last said, as the console shows it (README "Agent checks"): `down`
 * (also for `fail`/`stopped`) and `maint` win over `drain`, which wins over `up`/`ready`.
 */
export const AGENT_STATES = ['up', 'down', 'drain', 'maint', 'ready'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Active health-check types (README "Health checks"). */
export const HEALTH_CHECK_TYPES = ['none', 'tcp', 'redis', 'postgres', 'http', 'send-expect'] as const;
export type HealthCheckType = (typeof HEALTH_CHECK_TYPES)[number];

/** What a role-aware check requires of a backend (README "Role-aware checks"); 'any' = role not checked. */
export const HEALTH_CHECK_ROLES = ['any', 'primary', 'replica', 'standby'] as const;
export type HealthCheckRole = (typeof HEALTH_CHECK_ROLES)[number];

/** The roles each check type accepts; every other type accepts only 'any'. */
export const ROLES_BY_CHECK_TYPE: Readonly<Partial<Record<HealthCheckType, readonly HealthCheckRole[]>>> = {
  redis: ['any', 'primary', 'replica'],
  postgres: ['any', 'primary', 'standby'],
};

/** Login fields (`healthCheck.*`) each check type takes; every other type takes none. */
export const LOGIN_FIELDS_BY_CHECK_TYPE: Readonly<Partial<Record<HealthCheckType, readonly HealthCheckLoginField[]>>> = {
  redis: ['username', 'password'],
  postgres: ['user', 'database', 'password'],
};
export type HealthCheckLoginField = 'username' | 'user' | 'database' | 'password';

/** How a discovery group finds its members (README "DNS discovery"): A/AAAA records of a name, or its SRV records. */
export const DISCOVERY_TYPES = ['dns', 'srv'] as const;
export type DiscoveryType = (typeof DISCOVERY_TYPES)[number];

/** Methods an http check may send (OPTIONS for Patroni-style sidecars, HEAD for a bodiless check). */
export const HTTP_CHECK_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;
export type HttpCheckMethod = (typeof HTTP_CHECK_METHODS)[number];

/** Why a proxied connection ended (the access log's `reason`). */
export const CLOSE_REASONS = [
  'closed', // both sides finished (FIN or close from either peer)
  'client-error', // the client reset or errored
  'backend-error', // the backend reset or errored
  'idle-timeout',
  'destroyed', // drain timeout, closeOnDown, or shutdown without a graceful close
  'drain-deadline', // a drain deadline passed (shutdown timeout, reload drain limit): closed with FIN both ways
  'lifetime', // older than the service's maxConnectionLifetimeMs (± jitter): closed with FIN both ways
  'rebalance', // an operator's rebalance of its backend: closed with FIN both ways
  'rejected', // no backend could take it
  'client-gone', // the client left before a backend was connected
  'admin-closed', // an operator closed it (DELETE /api/services/:id/connections/:connId, or close-all on a backend)
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/**
 * Why a client was closed at accept, before any backend was chosen (the service stats'
 * `rejectedByReason` keys and the `reason` label of fulcrum_service_accept_rejected_total).
 */
export const ACCEPT_REJECT_REASONS = [
  'denied', // the client address is in `deny`, or `allow` is set and does not list it
  'proxy-untrusted', // acceptProxyProtocol is set and the peer is not in its `from` list
  'proxy-invalid', // acceptProxyProtocol: the PROXY header was malformed or too big
  'proxy-timeout', // acceptProxyProtocol: no complete PROXY header within PROXY_HEADER_TIMEOUT_MS
  'perClientConnections', // limits.perClientConnections: the client already has that many connections
  'perClientRate', // limits.perClientRate: the client's token bucket is empty
  'serviceRate', // limits.serviceRate: the service's token bucket is empty
  'clientTableFull', // per-client limits are set and the client table is full of clients with live connections (fail closed)
  // TLS SNI routing (README "TLS SNI routing"): counted on every service of the shared address.
  'sniMalformed', // the first bytes are a TLS record but not a valid ClientHello
  'sniOversized', // the ClientHello is longer than the peek bound (16 KiB)
  'sniTimeout', // no whole ClientHello within the peek timeout (a silent client)
  'sniNoRoute', // no service names the server name (or the client sent none) and there is no default route
] as const;
export type AcceptRejectReason = (typeof ACCEPT_REJECT_REASONS)[number];

/**
 * PROXY protocol Fulcrum sends to a backend before the client's bytes (README "PROXY protocol"):
 * none, version 1 (text, HAProxy `send-proxy`) or version 2 (binary, `send-proxy-v2`).
 */
export const PROXY_PROTOCOL_MODES = ['off', 'v1', 'v2'] as const;
export type ProxyProtocolMode = (typeof PROXY_PROTOCOL_MODES)[number];

/** A rejectedByReason record with every reason at 0 (derived from the list, so a new reason is never missing). */
export function noRejections(): Record<AcceptRejectReason, number> {
  return Object.fromEntries(ACCEPT_REJECT_REASONS.map((r) => [r, 0])) as Record<AcceptRejectReason, number>;
}

/**
 * Which relay moves the engine's bytes (README "Node releases"): `auto` the native one where its
 * check passes, else `socket`; `native` (raw libuv handles) only; `socket` (net.Socket) only.
 */
export const RELAY_MODES = ['auto', 'native', 'socket'] as const;
export type RelayMode = (typeof RELAY_MODES)[number];
/** A relay that runs (RELAY_MODES without `auto`). */
export type RelayName = Exclude<RelayMode, 'auto'>;
/** Why a rebalance of a backend ended (README "Connection lifetime and rebalance"). */
export const REBALANCE_OUTCOMES = [
  'done', // every connection it took at the start was closed (or had ended by itself)
  'replaced', // a new rebalance of the same backend took over (with the connections left)
  'cancelled', // the backend (or its service) was removed, or the engine closed
] as const;
export type RebalanceOutcome = (typeof REBALANCE_OUTCOMES)[number];
