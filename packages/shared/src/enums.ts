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
  'rejected', // no backend could take it
  'client-gone', // the client left before a backend was connected
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/**
 * Why a client was closed at accept, before any backend was chosen (the service stats'
 * `rejectedByReason` keys and the `reason` label of fulcrum_service_accept_rejected_total).
 */
export const ACCEPT_REJECT_REASONS = [
  'denied', // the client address is in `deny`, or `allow` is set and does not list it
  // TLS SNI routing (README "TLS SNI routing"): counted on every service of the shared address.
  'sniMalformed', // the first bytes are a TLS record but not a valid ClientHello
  'sniOversized', // the ClientHello is longer than the peek bound (16 KiB)
  'sniTimeout', // no whole ClientHello within the peek timeout (a silent client)
  'sniNoRoute', // no service names the server name (or the client sent none) and there is no default route
] as const;
export type AcceptRejectReason = (typeof ACCEPT_REJECT_REASONS)[number];

/** A count of 0 for every accept-time reject reason (the engine's counters start from it). */
export const zeroRejectedByReason = (): Record<AcceptRejectReason, number> =>
  Object.fromEntries(ACCEPT_REJECT_REASONS.map((r) => [r, 0])) as Record<AcceptRejectReason, number>;
