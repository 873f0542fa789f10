// Wire types of the admin REST API (/api). The admin validates with TypeBox schemas of the
// same shape; the dashboard imports these types only.
import type { StrategyName } from './strategies.ts';
import type { AcceptRejectReason, AdminState, AgentState, DiscoveryType, HealthCheckRole, HealthCheckType, HealthState, HttpCheckMethod, ProxyProtocolMode } from './enums.ts';
import type { EventKind } from './event-kinds.ts';

// The enum types live with their lists (enums.ts); re-exported here for the DTOs' users.
export type { AcceptRejectReason, AdminState, AgentState, DiscoveryType, HealthCheckRole, HealthCheckType, HealthState, HttpCheckMethod, ProxyProtocolMode };

export interface HealthCheckDto {
  type: HealthCheckType;
  intervalMs: number;
  timeoutMs: number;
  rise: number;
  fall: number;
  /** Port the check connects to; 0 = the backend's traffic port (e.g. 8008 for Patroni's REST API). */
  checkPort: number;
  /** HTTP check: method, request path and accepted status range. */
  httpMethod: HttpCheckMethod;
  httpPath: string;
  httpStatusMin: number;
  httpStatusMax: number;
  /** send-expect check: bytes to send (text; `\r\n` escapes allowed) and what the first reply must contain or match. */
  send: string;
  expect: string;
  expectRegex: boolean;
  /** Passive outlier detection: consecutive real connection failures that mark a backend down (0 = off). */
  passiveFailures: number;
  /**
   * Passive failure-rate detection: a backend is ejected when at least this percentage of its
   * last `passiveWindow` connections failed, once the window holds `passiveMinVolume` of them (0 = off).
   */
  passiveFailurePercent: number;
  /** How many of a backend's latest connection outcomes the failure rate is taken over. */
  passiveWindow: number;
  /** Outcomes the window must hold before the failure rate is judged (one failure of one try never ejects). */
  passiveMinVolume: number;
  /** Passive detection (both detectors) never has more than this share of the service's backends ejected at once (at least one). */
  maxEjectionPercent: number;
  /** Slow start window after a backend comes back up (0 = off). */
  slowStartMs: number;
  /** Close established connections to a backend that goes down. */
  closeOnDown: boolean;
  /** redis/postgres: the role a backend must have to be up ('any' = not checked). */
  role: HealthCheckRole;
  /** redis: ACL user for AUTH ('' = AUTH with the password only, or no AUTH). */
  username: string;
  /** postgres: login user ('' = no login: the SSLRequest check) and database ('' = same as user). */
  user: string;
  database: string;
  /** redis/postgres: a password is stored. The password itself is write-only and never answered. */
  passwordSet: boolean;
}

/** A health check as stored and as the engine runs it: the API shape with the password instead of `passwordSet`. */
export type HealthCheckSettings = Omit<HealthCheckDto, 'passwordSet'> & {
  /** '' = none. */
  password: string;
};

/**
 * An agent check (HAProxy's agent-check): Fulcrum reads one short line from `port` on the
 * backend's host every `intervalMs` and applies it on top of the operator's settings.
 */
export interface AgentCheckDto {
  port: number;
  intervalMs: number;
}

/** What a backend's agent said last, live (never stored). */
export interface AgentViewDto {
  /** null until the agent said a state word (a reply with only a weight leaves the state alone). */
  state: AgentState | null;
  /** The weight percentage the agent asked for (null: none yet; the configured weight applies). */
  weightPercent: number | null;
  /** The text after `#` in the agent's last reply that had one. */
  reason: string | null;
  /** Milliseconds since the epoch of the last reply that was understood. */
  lastAt: number | null;
  /** Why the last poll failed (`connect refused`, `timeout waiting for reply`…); null after a good reply. */
  error: string | null;
}

export interface StrategyOptionsDto {
  /** consistent-hash: no backend takes more than factor × average load (0 = unbounded). */
  boundedLoadFactor?: number;
}

/** How a discovery group finds its members (README "DNS discovery"). */
export interface DiscoverDto {
  type: DiscoveryType;
  /** `dns`: a host name (A and AAAA records); `srv`: `_service._proto.domain` (SRV records). */
  name: string;
  /** `dns` only: the members' port (SRV records carry each member's port). */
  port?: number;
  /** The record TTL is clamped to [minTtlMs, maxTtlMs] to schedule the next resolution. */
  minTtlMs: number;
  maxTtlMs: number;
}

/** One member a discovery group resolved (runtime state, never stored). */
export interface DiscoveredMemberDto {
  /** The member's engine id: its row in live stats (ids of members are above every stored id). */
  id: number;
  address: string;
  weight: number;
  /** SRV: a record of a less preferred priority than the best one found. */
  backup: boolean;
}

/** A discovery group's current members and its last resolution (runtime state of this node). */
export interface DiscoveryStatusDto {
  /** The group (its backend id). */
  groupId: number;
  members: DiscoveredMemberDto[];
  /** When the last resolution finished (ISO time); null before the first one. */
  lastResolvedAt: string | null;
  /** Why the last resolution failed ('' = it succeeded); the members are then the last known ones. */
  lastError: string;
  /** When the next resolution is due (ISO time); null when the group is not being resolved. */
  nextResolveAt: string | null;
}

export interface BackendDto {
  id: number;
  serviceId: number;
  /** host:port; for a discovery group its label (`dns:name:port`, `srv:name`), read-only. */
  address: string;
  /** Set on a discovery group: the backend stands for the members DNS gives. */
  discover?: DiscoverDto;
  /** A discovery group's members and last resolution (answers of the API; not part of the configuration). */
  discovery?: DiscoveryStatusDto;
  weight: number;
  state: AdminState;
  backup: boolean;
  /** 0 = unlimited. */
  maxConnections: number;
  /** This backend's agent check; null = the service's (`agentCheck` of the service). */
  agentCheck: AgentCheckDto | null;
  /** PROXY protocol header sent to this backend; null = the service's `proxyProtocol`. */
  proxyProtocol: ProxyProtocolMode | null;
}

/** A service's balancing, timeout, limit and health settings (every shape of a service has them). */
export interface ServiceSettingsDto {
  strategy: StrategyName;
  strategyOptions: StrategyOptionsDto;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  retries: number;
  drainTimeoutMs: number;
  maxQueue: number;
  queueTimeoutMs: number;
  /** 0 = off; else connections older than this (± 10 % jitter) are closed gracefully (README "Connection lifetime and rebalance"). */
  maxConnectionLifetimeMs: number;
  /** Agent check of every backend that sets none of its own; null = off. */
  agentCheck: AgentCheckDto | null;
  /** Client CIDRs served when non-empty (README "Who may connect"); [] = everyone. */
  allow: string[];
  /** Client CIDRs always refused, even when also allowed. */
  deny: string[];
  /** PROXY protocol header sent to every backend that sets none of its own (README "PROXY protocol"). */
  proxyProtocol: ProxyProtocolMode;
  /** Read a PROXY protocol header from these peers (another balancer, a cloud NLB); null = off. */
  acceptProxyProtocol: AcceptProxyProtocolDto | null;
  /** How much one client may take (README "How much one client may take: `limits`"). */
  limits: ClientLimitsDto;
  /**
   * TLS server names this service serves on a listen address it may share with other services
   * (README "TLS SNI routing"): exact names or `*.` wildcards of one label. null = no SNI routing:
   * alone on its address, or the default route of a shared one.
   */
  sni: string[] | null;
  healthCheck: HealthCheckDto;
}

/** Accepting PROXY protocol headers: only peers in `from` may connect, and each must send one. */
export interface AcceptProxyProtocolDto {
  /** IPv4/IPv6 CIDRs or bare addresses of the peers that send the header (at least one). */
  from: string[];
}

/**
 * A token bucket: a burst of `connections` new connections, refilled evenly at `connections` per
 * `intervalMs` (so at most `connections` per interval on average, and never more than that at once).
 */
export interface RateLimitDto {
  connections: number;
  intervalMs: number;
}

/** A service's `limits` (README "How much one client may take: `limits`"); null = that limit is off. */
export interface ClientLimitsDto {
  /** Concurrent connections of one client (an IPv4 address, or an IPv6 prefix of `ipv6Prefix` bits). */
  perClientConnections: number | null;
  /** New connections of one client. */
  perClientRate: RateLimitDto | null;
  /** New connections of the whole service, all clients together. */
  serviceRate: RateLimitDto | null;
  /** IPv6 clients in one prefix of this length count as one client (default 64). */
  ipv6Prefix: number;
  /** At most this many clients are tracked at once (the memory bound); see the README for a full table. */
  tableSize: number;
}

export interface ServiceDto extends ServiceSettingsDto {
  id: number;
  name: string;
  listen: string;
  version: number;
  backends: BackendDto[];
}

/** One backend in a configuration document: no ids, matched by address (a discovery group by its `discover`, without address). */
export type ConfigBackendDoc = Omit<BackendDto, 'id' | 'serviceId' | 'address' | 'discovery'> & { address?: string };

/** One service in a configuration document: no ids, matched by name. */
export interface ConfigServiceDoc extends ServiceSettingsDto {
  name: string;
  listen: string;
  backends: ConfigBackendDoc[];
}

/** GET/PUT /api/config: the whole configuration as one portable document. */
export interface ConfigDocument {
  version: 1;
  services: ConfigServiceDoc[];
}

/** An API token as listed (never its secret). */
export interface TokenDto {
  id: number;
  name: string;
  createdAt: string;
  /** true for the token the caller authenticated with. */
  current: boolean;
}

/** The answer to POST /api/tokens: the secret is shown this once. */
export interface CreatedTokenDto {
  id: number;
  name: string;
  token: string;
  createdAt: string;
}

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  field?: string;
}

/** One backend's live counters: the engine's stats() and the API carry exactly this shape. */
export interface BackendStatsDto {
  id: number;
  address: string;
  state: AdminState;
  health: HealthState;
  /** true while a backend removed from the config still drains its connections. */
  removed: boolean;
  weight: number;
  effectiveWeight: number;
  active: number;
  total: number;
  /** Bytes from clients to this backend. */
  bytesIn: number;
  /** Bytes from this backend to clients. */
  bytesOut: number;
  /** Failed connection attempts since the engine started (lifetime counter). */
  connectFailures: number;
  /** Failed connection attempts per second over the last 60 s (12 steps of 5 s): what "fails" shows. */
  failureRate: number;
  connectTimeMs: number;
  /** Connections closed gracefully because they outlived the service's maxConnectionLifetimeMs. */
  closedByLifetime: number;
  /** Connections closed gracefully by a rebalance of this backend. */
  closedByRebalance: number;
  /** A member of a discovery group: the group's backend id (set by the admin, not the engine). */
  group?: number;
  /** The agent's view; null when no agent check applies to this backend. */
  agent: AgentViewDto | null;
  /** Why the backend is in its health state and what its checks last saw; null when the service has no health check (type none, passive detection off). */
  check: BackendCheckDto | null;
}

/**
 * Health detail of one backend. Strings are stored when they change (a transition, a probe
 * result), never built per sample.
 */
export interface BackendCheckDto {
  /** Why the backend is in its current health state (`fall: 3 × connect refused`, `rise: 2 × ok`, `passive: 3 × connect reset`, `first check ok`); null while nothing decided it yet. */
  reason: string | null;
  /** Milliseconds since the epoch when the backend entered its current health state (for 'unknown': when checking began). */
  since: number | null;
  /** When the last active probe finished (ms since the epoch); null before the first one, or with passive detection only. */
  lastAt: number | null;
  /** Whether the last active probe passed. */
  lastOk: boolean | null;
  /** How long the last active probe took, connect to verdict, in ms. */
  lastDurationMs: number | null;
  /** The last failed probe's reason (`connect refused`, `role is replica`); null after a passing probe. */
  lastMessage: string | null;
  /** Consecutive passing active probes (0 after a failure). */
  consecutiveSuccesses: number;
  /** Consecutive failing active probes (0 after a pass). */
  consecutiveFailures: number;
  /** The role a redis/postgres role or login check last saw (`primary`, `replica`, `standby`, `unknown`); null when the check reads no role. */
  role: string | null;
}

/** A service's live counters, the same in the engine's stats() and on the wire. */
export interface ServiceCountersDto {
  active: number;
  total: number;
  /** Clients closed because no backend could take them. */
  rejected: number;
  /** Clients closed at accept, before any backend was chosen, by reason (README "Who may connect"). */
  rejectedByReason: RejectedByReasonDto;
  /** Clients waiting in the queue now. */
  queued: number;
  bytesIn: number;
  bytesOut: number;
}

/** Clients refused at accept, per reason (one key per ACCEPT_REJECT_REASONS entry). */
export type RejectedByReasonDto = Record<AcceptRejectReason, number>;

export interface ServiceStatsDto extends ServiceCountersDto {
  id: number;
  name: string;
  listen: string;
  backends: BackendStatsDto[];
  /** The service's discovery groups: members and last resolution (absent without groups). */
  discovery?: DiscoveryStatusDto[];
}

export interface StatsDto {
  /** Milliseconds since the epoch when the sample was taken. */
  time: number;
  services: ServiceStatsDto[];
}

export interface EventDto {
  id: number;
  time: string;
  kind: EventKind;
  actor: string;
  serviceId: number | null;
  backendId: number | null;
  message: string;
  details: Record<string, unknown>;
}

/**
 * Stable error codes of the admin API (`code` in every error body). Clients branch on these,
 * never on `message`. HTTP status in brackets.
 */
export const API_ERROR_CODES = {
  VALIDATION_ERROR: 'a field is missing, of the wrong type or out of range (`field` names it), or the body is not one well-formed JSON/YAML object without duplicate keys (the message names line and column) [400]',
  MALFORMED_REQUEST: 'the request cannot be read: not valid HTTP, invalid percent-encoding in the URL, or a body that does not match Content-Length [400]',
  INVALID_CIDR: 'an `allow`/`deny`/`acceptProxyProtocol.from` entry is not an IPv4 or IPv6 address or CIDR, or its prefix is out of range (`field` names it: `allow[1]`) [400]',
  INVALID_SNI: 'an `sni` entry is not a DNS name (LDH labels, internationalized names as A-labels) or a `*.` wildcard of one label, is listed twice, or the list is empty or too long (`field` names it: `sni[1]`) [400]',
  SNI_CONFLICT: 'services on one listen address may share it only when each names its `sni` server names, plus at most one without `sni` (the default route), and no name is routed to two of them (`field` names it: `sni`, `sni[0]`) [409]',
  INVALID_ADDRESS: 'an address is not host:port or its port is out of range [400]',
  UNKNOWN_STRATEGY: 'strategy is not one of the documented names [400]',
  UNKNOWN_NODE: '`node` names no node of this cluster (GET /api/cluster lists them; a single node knows only itself) (`field`: `node`) [400]',
  SELF_LOOP: "a backend is the service's own listen address (same port, an address that reaches the listener): its connections would loop back into Fulcrum [400]",
  UNAUTHORIZED: 'no valid token or session [401]',
  CSRF_REJECTED: 'a cookie-authenticated change lacked the x-fulcrum-csrf header [403]',
  NOT_FOUND: 'no such service, backend, token, route or file [404]',
  REQUEST_TIMEOUT: 'the request (headers and body) did not arrive in time [408]',
  DUPLICATE_SERVICE: 'another service already has this name or listen address [409]',
  DUPLICATE_BACKEND: 'the service already has a backend at this address [409]',
  ADDRESS_IN_USE: 'the listen address is taken: by another process, or (in one PUT /api/config) by another service of the current configuration [409]',
  VERSION_CONFLICT: 'If-Match / version is stale; re-read and retry [409]',
  DUPLICATE_TOKEN: 'an active API token already has this name [409]',
  ENGINE_REJECTED: 'the engine refused the change; nothing was changed [422]',
  PAYLOAD_TOO_LARGE: 'request body larger than the route accepts (64 KiB; 4 MiB for PUT /api/config) [413]',
  URI_TOO_LONG: 'a path segment is longer than 100 characters [414]',
  UNSUPPORTED_MEDIA_TYPE: 'the request body has a Content-Type this route does not accept [415]',
  RATE_LIMITED: 'too many failed authentication attempts from this client (any kind); Retry-After says when to try again [429]',
  HEADERS_TOO_LARGE: 'the request headers are larger than the server accepts [431]',
  INTERNAL: 'unexpected server error; details are in the server log only [500]',
  NODE_UNREACHABLE: 'the cluster node named by `node` did not answer in time (5 s), or answered something that is not the API (`field`: `node`) [502]',
  NODE_REFUSED_CREDENTIALS: 'the cluster node named by `node` refused the credentials passed on to it (401): an API token is valid on every node, a browser session reaches other nodes by a node assertion, which a node from before them refuses (`field`: `node`) [502]',
  STORE_UNAVAILABLE: 'the shared configuration store (PostgreSQL) cannot be reached; nothing was changed, traffic is served as before [503]',
  UPGRADE_IN_PROGRESS: 'the process is handing over to a new one (fulcrum upgrade, or SIGHUP with one process); nothing was changed: retry after Retry-After seconds [503]',
  HISTORY_UNAVAILABLE: 'the metric history cannot be read now (its file could not be opened, or the history thread did not answer in time); traffic and every other route are unaffected [503]',
  ENGINE_UNAVAILABLE: 'the data plane cannot take a change right now (engine workers restarting, one did not answer in time, or shutting down); nothing was changed, retry [503]',
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/**
 * Stable codes of the warnings a change may answer with: the change was made (2xx), but something
 * about it deserves a look. Clients branch on these, never on `message`.
 */
export const API_WARNING_CODES = {
  SAME_ENDPOINT: 'a backend names the same endpoint as another backend of the service under another spelling (localhost next to 127.0.0.1): it gets twice the share of connections',
  UNRESOLVED_HOST: 'a backend host name did not resolve (or not within 1.5 s): connections to it fail until it does',
  NO_IDLE_TIMEOUT: 'the service has no idle timeout (idleTimeoutMs 0, the default): an idle connection stays open until a side closes it, as long-lived database and Redis clients expect',
} as const;

export type ApiWarningCode = keyof typeof API_WARNING_CODES;

/** One note on a change that was made; `field` names the input it is about (`address`, `backends[1].address`). */
export interface ApiWarning {
  code: ApiWarningCode;
  field: string;
  message: string;
}

/** What a change answers in addition to the changed object, only when there is something to say. */
export interface WithWarnings {
  warnings?: ApiWarning[];
}
