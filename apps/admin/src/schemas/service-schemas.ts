// TypeBox schemas for services and backends: request bodies (validated) and responses (serialized).
// Address and strategy fields are plain strings here and checked in the handlers, so they get
// their own error codes (INVALID_ADDRESS, UNKNOWN_STRATEGY) instead of VALIDATION_ERROR.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { AgentCheckDto, BackendDto, ClientLimitsDto, DiscoverDto, DiscoveryStatusDto, HealthCheckDto, ServiceDto } from '@fulcrum/shared/api';
import { AGENT_CHECK_DEFAULTS, CLIENT_LIMITS_DEFAULTS } from '@fulcrum/shared/defaults';
import { STRATEGY_NAMES } from '@fulcrum/shared/strategies';
import { ADMIN_STATES, DISCOVERY_TYPES, HEALTH_CHECK_ROLES, HEALTH_CHECK_TYPES, HTTP_CHECK_METHODS, PROXY_PROTOCOL_MODES } from '@fulcrum/shared/enums';
import { AGENT_CHECK_LIMITS, BACKEND_LIMITS, BOUNDED_LOAD_FACTOR, CLIENT_FILTER_LIMITS, CLIENT_LIMITS, RATE_LIMITS, DISCOVERY_LIMITS, DISCOVERY_NAME, HEALTH_CHECK_LIMITS, HEALTH_CHECK_TEXT, SERVICE_LIMITS, SERVICE_NAME } from '@fulcrum/shared/limits';
import { SNI_LIMITS } from '@fulcrum/shared/sni';
import { intInRange, intsInRanges, literalUnion } from './common-schemas.ts';

const AdminStateSchema = literalUnion(ADMIN_STATES);
const HealthCheckTypeSchema = literalUnion(HEALTH_CHECK_TYPES);
const StrategyNameSchema = literalUnion(STRATEGY_NAMES);

const Name = Type.String({
  minLength: 1,
  maxLength: SERVICE_NAME.maxLength,
  pattern: SERVICE_NAME.pattern,
  errorMessage: `must be 1-${SERVICE_NAME.maxLength} characters: letters, digits, dot, underscore or hyphen`,
});
const Address = Type.String({ maxLength: 300 });
const Strategy = Type.String({ maxLength: 64 });

const hc = intsInRanges(HEALTH_CHECK_LIMITS);
const LoginName = Type.String({ maxLength: HEALTH_CHECK_TEXT.loginNameMaxLength });
// Listed field by field: the order is the order of keys in every response and export.
const healthCheckFields = {
  type: HealthCheckTypeSchema,
  intervalMs: hc.intervalMs,
  timeoutMs: hc.timeoutMs,
  rise: hc.rise,
  fall: hc.fall,
  checkPort: hc.checkPort,
  httpMethod: literalUnion(HTTP_CHECK_METHODS),
  httpPath: Type.String({ minLength: 1, maxLength: HEALTH_CHECK_TEXT.httpPathMaxLength, pattern: '^/' }),
  httpStatusMin: hc.httpStatusMin,
  httpStatusMax: hc.httpStatusMax,
  send: Type.String({ maxLength: HEALTH_CHECK_TEXT.sendExpectMaxLength }),
  expect: Type.String({ maxLength: HEALTH_CHECK_TEXT.sendExpectMaxLength }),
  expectRegex: Type.Boolean(),
  passiveFailures: hc.passiveFailures,
  passiveFailurePercent: hc.passiveFailurePercent,
  passiveWindow: hc.passiveWindow,
  passiveMinVolume: hc.passiveMinVolume,
  maxEjectionPercent: hc.maxEjectionPercent,
  slowStartMs: hc.slowStartMs,
  closeOnDown: Type.Boolean(),
  role: literalUnion(HEALTH_CHECK_ROLES),
  username: LoginName,
  user: LoginName,
  database: LoginName,
  passwordSet: Type.Boolean({ description: 'read-only: a password is stored (in a request: see the README, "Credentials")' }),
};

/**
 * A partial health check in a request; merged over the defaults or the current settings. Only
 * requests carry `password` (write-only); answers carry `passwordSet`.
 */
export const HealthCheckPatch = Type.Partial(
  Type.Object(
    { ...healthCheckFields, password: Type.String({ maxLength: HEALTH_CHECK_TEXT.passwordMaxLength, description: "write-only; '' removes it" }) },
    { additionalProperties: false },
  ),
);
export type HealthCheckPatch = Static<typeof HealthCheckPatch>;

const agent = intsInRanges(AGENT_CHECK_LIMITS);
/** An agent check in a request: `intervalMs` may be left out (its default); null turns it off. */
export const AgentCheckInput = Type.Union(
  [
    Type.Object(
      { port: agent.port, intervalMs: Type.Optional(agent.intervalMs) },
      { additionalProperties: false },
    ),
    Type.Null(),
  ],
  { description: `agent check (README "Agent checks"): {port, intervalMs (default ${AGENT_CHECK_DEFAULTS.intervalMs})}; null = none (on a backend: the service's)` },
);
export type AgentCheckInput = Static<typeof AgentCheckInput>;
/** An agent check as answered. */
const AgentCheckSchema = Type.Union([Type.Object({ port: Type.Integer(), intervalMs: Type.Integer() }), Type.Null()]);

// 0 (unbounded) or 1.0–10 is checked in the handler: a schema union would blur the error message.
const StrategyOptionsInput = Type.Object(
  { boundedLoadFactor: Type.Optional(Type.Number({ minimum: BOUNDED_LOAD_FACTOR.off, maximum: BOUNDED_LOAD_FACTOR.max })) },
  { additionalProperties: false },
);

// Entries are checked in the handler (400 INVALID_CIDR naming `allow[1]`), like addresses.
const cidrList = (what: string) =>
  Type.Array(Type.String({ maxLength: CLIENT_FILTER_LIMITS.maxLength }), {
    maxItems: CLIENT_FILTER_LIMITS.maxEntries,
    description: `${what}: IPv4/IPv6 CIDRs or bare addresses (/32, /128); at most ${CLIENT_FILTER_LIMITS.maxEntries}`,
  });
const AllowList = cidrList('clients served when non-empty ([] = everyone)');
const DenyList = cidrList('clients always refused, even when allowed');
// Names are checked in the handler (400 INVALID_SNI naming `sni[1]`; 409 SNI_CONFLICT across services).
const SniList = Type.Union(
  [
    Type.Array(Type.String({ maxLength: SNI_LIMITS.maxLength }), {
      maxItems: SNI_LIMITS.maxNames,
      description: `TLS server names served on a shared listen address (README "TLS SNI routing"): DNS names or *. wildcards of one label, case-insensitive, at most ${SNI_LIMITS.maxNames}`,
    }),
    Type.Null({ description: 'no SNI routing: alone on the address, or its default route (clients without SNI, without TLS, or with a name no service lists)' }),
  ],
);

const proxyModes = PROXY_PROTOCOL_MODES.map((m) => `"${m}"`).join(', ');
/** What Fulcrum sends its backends first (README "PROXY protocol"). */
const ProxyProtocol = Type.Union(PROXY_PROTOCOL_MODES.map((m) => Type.Literal(m)), {
  description: `PROXY protocol header sent to backends (${proxyModes}); a backend's own setting wins`,
  errorMessage: `must be one of ${proxyModes}`,
});
/** A backend's: null = the service's. */
const BackendProxyProtocol = Type.Union([...PROXY_PROTOCOL_MODES.map((m) => Type.Literal(m)), Type.Null()], {
  description: `PROXY protocol header sent to this backend (${proxyModes}); null = the service's proxyProtocol`,
  errorMessage: `must be one of ${proxyModes}, or null (the service's)`,
});
/** Trusted PROXY header senders; null = no header is read. Entries are checked in the handler (INVALID_CIDR). */
const AcceptProxyProtocol = Type.Union(
  [
    Type.Object(
      { from: Type.Array(Type.String({ maxLength: CLIENT_FILTER_LIMITS.maxLength }), { minItems: 1, maxItems: CLIENT_FILTER_LIMITS.maxEntries }) },
      { additionalProperties: false },
    ),
    Type.Null(),
  ],
  { description: `read a PROXY protocol v1/v2 header from these peers only ({from: [CIDR, …]}, at least one); others are closed; null = off` },
);
const clientLimits = intsInRanges(CLIENT_LIMITS);
const rate = intsInRanges(RATE_LIMITS);
const RateLimitInput = (what: string) =>
  Type.Union([Type.Object({ connections: rate.connections, intervalMs: rate.intervalMs }, { additionalProperties: false }), Type.Null()], {
    description: `${what}: a token bucket {connections, intervalMs} (a burst of connections, refilled evenly over intervalMs); null = off`,
  });
/**
 * `limits` in a request (README "How much one client may take: `limits`"): the fields given
 * replace the current ones (or the defaults); a limit that is off is null, never 0.
 */
export const LimitsPatch = Type.Object(
  {
    perClientConnections: Type.Optional(
      Type.Union([clientLimits.perClientConnections, Type.Null()], { description: 'concurrent connections of one client (IPv4 address or IPv6 prefix); null = off' }),
    ),
    perClientRate: Type.Optional(RateLimitInput('new connections of one client')),
    serviceRate: Type.Optional(RateLimitInput('new connections of the whole service')),
    ipv6Prefix: Type.Optional({ ...clientLimits.ipv6Prefix, description: `IPv6 clients in one prefix of this length are one client (default ${CLIENT_LIMITS_DEFAULTS.ipv6Prefix})` }),
    tableSize: Type.Optional({ ...clientLimits.tableSize, description: `clients tracked at once per process, the memory bound (default ${CLIENT_LIMITS_DEFAULTS.tableSize}); full of clients with live connections, new clients are refused` }),
  },
  { additionalProperties: false },
);
export type LimitsPatch = Static<typeof LimitsPatch>;
const RateLimitSchema = Type.Union([Type.Object({ connections: Type.Integer(), intervalMs: Type.Integer() }), Type.Null()]);
/** A service's limits, as answered (every field present). */
export const LimitsSchema = Type.Object({
  perClientConnections: Type.Union([Type.Integer(), Type.Null()]),
  perClientRate: RateLimitSchema,
  serviceRate: RateLimitSchema,
  ipv6Prefix: Type.Integer(),
  tableSize: Type.Integer(),
});

const serviceTuning = {
  strategy: Strategy,
  strategyOptions: StrategyOptionsInput,
  ...intsInRanges(SERVICE_LIMITS),
  agentCheck: AgentCheckInput,
  allow: AllowList,
  deny: DenyList,
  proxyProtocol: ProxyProtocol,
  acceptProxyProtocol: AcceptProxyProtocol,
  limits: LimitsPatch,
  sni: SniList,
  healthCheck: HealthCheckPatch,
};

const backendTuning = {
  weight: intInRange(BACKEND_LIMITS.weight),
  backup: Type.Boolean(),
  maxConnections: intInRange(BACKEND_LIMITS.maxConnections),
  state: AdminStateSchema,
  agentCheck: AgentCheckInput,
  proxyProtocol: BackendProxyProtocol,
};

const discoveryNumbers = intsInRanges(DISCOVERY_LIMITS);
/**
 * A discovery group in a request. `type` is a plain string and the rules between fields (SRV
 * labels, port for dns only, minTtlMs ≤ maxTtlMs) are checked in the handler (discover-input.ts),
 * each a 400 naming its field.
 */
export const DiscoverInput = Type.Object(
  {
    type: Type.String({ maxLength: 16, description: '"dns" (A/AAAA records) or "srv" (SRV records)' }),
    name: Type.String({ minLength: 1, maxLength: DISCOVERY_NAME.maxLength, description: 'dns: a host name; srv: _service._proto.domain' }),
    port: Type.Optional({ ...discoveryNumbers.port, description: 'dns only (required): the members\' port' }),
    minTtlMs: Type.Optional({ ...discoveryNumbers.minTtlMs, description: 'lower bound of the record TTL before the next resolution' }),
    maxTtlMs: Type.Optional({ ...discoveryNumbers.maxTtlMs, description: 'upper bound of the record TTL before the next resolution' }),
  },
  { additionalProperties: false },
);

/** A backend in a request: POST …/backends, or one entry of a service's `backends`: an `address` or a `discover` group. */
export const BackendInput = Type.Object(
  { address: Type.Optional(Address), discover: Type.Optional(DiscoverInput), ...Type.Partial(Type.Object(backendTuning)).properties },
  { additionalProperties: false },
);
export type BackendInput = Static<typeof BackendInput>;

const Backends = Type.Array(BackendInput, { maxItems: 1000 });
/** The service version a change was based on (optimistic concurrency). */
const Version = Type.Integer({ minimum: 1 });

/** POST /api/services */
export const CreateServiceBody = Type.Object(
  {
    name: Name,
    listen: Address,
    ...Type.Partial(Type.Object(serviceTuning)).properties,
    backends: Type.Optional(Backends),
  },
  { additionalProperties: false },
);
export type CreateServiceBody = Static<typeof CreateServiceBody>;

/** PATCH /api/services/:id — `backends`, when given, is the complete new list (matched by address). */
export const PatchServiceBody = Type.Partial(
  Type.Object({ name: Name, listen: Address, ...serviceTuning, backends: Backends, version: Version }),
  { additionalProperties: false },
);
export type PatchServiceBody = Static<typeof PatchServiceBody>;

/** PATCH /api/services/:id/backends/:backendId */
export const PatchBackendBody = Type.Partial(Type.Object({ address: Address, ...backendTuning, version: Version }), {
  additionalProperties: false,
});
export type PatchBackendBody = Static<typeof PatchBackendBody>;

/** A service's health-check settings, as answered (every field present). */
export const HealthCheckSchema = Type.Object(healthCheckFields);

/** A discovery group's settings, as answered. */
export const DiscoverSchema = Type.Object({
  type: literalUnion(DISCOVERY_TYPES),
  name: Type.String(),
  port: Type.Optional(Type.Integer()),
  minTtlMs: Type.Integer(),
  maxTtlMs: Type.Integer(),
});

/** A discovery group's runtime state on this node. */
export const DiscoveryStatusSchema = Type.Object({
  groupId: Type.Integer(),
  members: Type.Array(Type.Object({ id: Type.Integer(), address: Type.String(), weight: Type.Integer(), backup: Type.Boolean() })),
  lastResolvedAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.String(),
  nextResolveAt: Type.Union([Type.String(), Type.Null()]),
});

export const BackendSchema = Type.Object({
  id: Type.Integer(),
  serviceId: Type.Integer(),
  address: Type.String(),
  discover: Type.Optional(DiscoverSchema),
  discovery: Type.Optional(DiscoveryStatusSchema),
  ...backendTuning,
  agentCheck: AgentCheckSchema,
});

export const ServiceSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  listen: Type.String(),
  strategy: StrategyNameSchema,
  strategyOptions: Type.Object({ boundedLoadFactor: Type.Optional(Type.Number()) }),
  connectTimeoutMs: Type.Integer(),
  idleTimeoutMs: Type.Integer(),
  retries: Type.Integer(),
  drainTimeoutMs: Type.Integer(),
  maxQueue: Type.Integer(),
  queueTimeoutMs: Type.Integer(),
  maxConnectionLifetimeMs: Type.Integer(),
  agentCheck: AgentCheckSchema,
  allow: AllowList,
  deny: DenyList,
  proxyProtocol: ProxyProtocol,
  acceptProxyProtocol: AcceptProxyProtocol,
  limits: LimitsSchema,
  sni: SniList,
  healthCheck: HealthCheckSchema,
  version: Type.Integer(),
  backends: Type.Array(BackendSchema),
});

// Compile-time proof that the response schemas and the shared wire types agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _serviceAgrees: Same<Static<typeof ServiceSchema>, ServiceDto> = true;
const _backendAgrees: Same<Static<typeof BackendSchema>, BackendDto> = true;
const _discoverAgrees: Same<Static<typeof DiscoverSchema>, DiscoverDto> = true;
const _discoveryAgrees: Same<Static<typeof DiscoveryStatusSchema>, DiscoveryStatusDto> = true;
const _agentAgrees: Same<Exclude<Static<typeof AgentCheckSchema>, null>, AgentCheckDto> = true;
const _healthAgrees: Same<Static<typeof HealthCheckSchema>, HealthCheckDto> = true;
const _limitsAgree: Same<Static<typeof LimitsSchema>, ClientLimitsDto> = true;
