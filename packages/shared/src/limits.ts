// Every numeric range of a service, backend or health-check setting, declared once. The admin's
// request schemas, the engine's validateConfig and the console's forms are all built from these
// tables, so the three always accept exactly the same values.

/** An inclusive integer range. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** The one wording of a range violation, used by the API schemas and the engine alike. */
export function describeRange(range: IntRange): string {
  return `must be an integer from ${range.min} to ${range.max}`;
}

/** True when `value` is an integer inside `range`. */
export function inRange(value: unknown, range: IntRange): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** Service settings (README "Service options and defaults"). */
export const SERVICE_LIMITS = {
  connectTimeoutMs: { min: 1, max: 600_000 },
  idleTimeoutMs: { min: 0, max: 86_400_000 },
  retries: { min: 0, max: 10 },
  drainTimeoutMs: { min: 0, max: 3_600_000 },
  maxQueue: { min: 0, max: 100_000 },
  queueTimeoutMs: { min: 1, max: 600_000 },
  /** 0 = off; else connections are closed gracefully after about this long (± 10 % jitter, ~1 s precision). Up to 7 days. */
  maxConnectionLifetimeMs: { min: 0, max: 604_800_000 },
} as const satisfies Record<string, IntRange>;

/** Numeric `healthCheck.*` settings (README "Health checks"). */
export const HEALTH_CHECK_LIMITS = {
  intervalMs: { min: 100, max: 3_600_000 },
  timeoutMs: { min: 10, max: 600_000 },
  rise: { min: 1, max: 100 },
  fall: { min: 1, max: 100 },
  httpStatusMin: { min: 100, max: 599 },
  httpStatusMax: { min: 100, max: 599 },
  passiveFailures: { min: 0, max: 100 },
  /** 0 = the failure-rate detector is off. */
  passiveFailurePercent: { min: 0, max: 100 },
  passiveWindow: { min: 1, max: 1000 },
  passiveMinVolume: { min: 1, max: 1000 },
  maxEjectionPercent: { min: 0, max: 100 },
  slowStartMs: { min: 0, max: 3_600_000 },
  /** 0 = the backend's own (traffic) port. */
  checkPort: { min: 0, max: 65535 },
} as const satisfies Record<string, IntRange>;

/**
 * The one cross-field rule of the failure-rate detector: the window must be able to hold the
 * minimum volume (else the rate would never be judged). The problem in words, or null.
 */
export function failureRateWindowProblem(hc: { passiveWindow: number; passiveMinVolume: number }): string | null {
  return hc.passiveWindow < hc.passiveMinVolume ? `must not be less than passiveMinVolume (${hc.passiveMinVolume})` : null;
}

/**
 * `agentCheck.*` of a service or backend (README "Agent checks"). The reply is one short line:
 * at most `replyMaxBytes`, within `timeoutMs` (or the interval, if shorter).
 */
export const AGENT_CHECK_LIMITS = {
  port: { min: 1, max: 65535 },
  intervalMs: { min: 100, max: 3_600_000 },
} as const satisfies Record<string, IntRange>;

/** How much of an agent's reply is read, and how long Fulcrum waits for it. */
export const AGENT_REPLY = { maxBytes: 1024, timeoutMs: 2000, maxReasonLength: 200 } as const;

/**
 * POST …/backends/:backendId/rebalance (README "Connection lifetime and rebalance"): the window
 * over which the backend's connections are closed, evenly spread.
 */
export const REBALANCE_LIMITS = { windowMs: { min: 100, max: 3_600_000 } } as const satisfies Record<string, IntRange>;

/** A rebalance without `windowMs` spreads its closes over this long. */
export const REBALANCE_DEFAULT_WINDOW_MS = 30_000;

/** Jitter of maxConnectionLifetimeMs: each connection's lifetime is scaled by 1 ± this (Envoy-style), so a pool does not reconnect at once. */
export const LIFETIME_JITTER = 0.1;

/** Backend settings. */
export const BACKEND_LIMITS = {
  weight: { min: 0, max: 1000 },
  maxConnections: { min: 0, max: 1_000_000 },
} as const satisfies Record<string, IntRange>;

/**
 * A discovery group's `discover.*` numbers (README "DNS discovery"): the port of a `dns` group, and
 * the bounds the record TTL is clamped to before the next resolution.
 */
export const DISCOVERY_LIMITS = {
  port: { min: 1, max: 65535 },
  minTtlMs: { min: 100, max: 3_600_000 },
  maxTtlMs: { min: 100, max: 86_400_000 },
} as const satisfies Record<string, IntRange>;

/** A discovery group's name: a DNS name (RFC 1035 lengths; `_` allowed for SRV labels). */
export const DISCOVERY_NAME = { maxLength: 253, pattern: '^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?$' } as const;

/** consistent-hash's `strategyOptions.boundedLoadFactor`: 0 (off) or a number in min..max. */
export const BOUNDED_LOAD_FACTOR = { off: 0, min: 1, max: 10 } as const;

/** True when `value` is a valid boundedLoadFactor. */
export function isBoundedLoadFactor(value: unknown): value is number {
  return typeof value === 'number' && (value === BOUNDED_LOAD_FACTOR.off || (value >= BOUNDED_LOAD_FACTOR.min && value <= BOUNDED_LOAD_FACTOR.max));
}

/**
 * A service's `allow` and `deny` lists (README "Who may connect"): at most `maxEntries` CIDRs
 * each, each at most `maxLength` characters (the longest IPv6 CIDR is 43).
 */
export const CLIENT_FILTER_LIMITS = { maxEntries: 1000, maxLength: 64 } as const;

/**
 * A service's `limits` (README "How much one client may take: `limits`"): the numbers of
 * `perClientConnections`, `ipv6Prefix` and `tableSize`; a limit that is off is null, never 0.
 */
export const CLIENT_LIMITS = {
  perClientConnections: { min: 1, max: 1_000_000 },
  ipv6Prefix: { min: 1, max: 128 },
  tableSize: { min: 100, max: 10_000_000 },
} as const satisfies Record<string, IntRange>;

/** `limits.perClientRate` and `limits.serviceRate`: a burst of `connections`, refilled over `intervalMs`. */
export const RATE_LIMITS = {
  connections: { min: 1, max: 1_000_000 },
  intervalMs: { min: 1, max: 3_600_000 },
} as const satisfies Record<string, IntRange>;

/** Service names: what the API accepts. */
export const SERVICE_NAME = { maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' } as const;

/** Text fields of a health check. */
export const HEALTH_CHECK_TEXT = { httpPathMaxLength: 1024, sendExpectMaxLength: 4096, loginNameMaxLength: 128, passwordMaxLength: 1024 } as const;

/**
 * Failed authentication per client (README "Authentication"): a wrong Bearer token, session cookie
 * or `?token=`, or a failed login, from one address (IPv4 address or IPv6 /64) counts against one
 * budget; beyond `maxFailures` within `windowMs` the client gets 429 until the window ends.
 * `maxClients` bounds how many addresses are remembered (least recently seen are forgotten first).
 */
export const AUTH_FAILURE_LIMITS = { maxFailures: 10, windowMs: 60_000, maxClients: 10_000 } as const;

/** GET /api/events: the page size range, the text search's longest `q`, and the console's export bound. */
export const EVENT_QUERY_LIMITS = { pageMax: 500, searchMaxLength: 200, exportMaxRows: 5000 } as const;
