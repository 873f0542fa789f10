// The default of every service, backend and health-check setting, declared once (README
// "Service options and defaults", "Health checks"). The engine, the admin's store and the
// console's "new service" form all start from these.
import type { AgentCheckDto, BackendDto, ClientLimitsDto, HealthCheckSettings, ServiceSettingsDto } from './api.ts';

/** Health-check defaults (HAProxy-like: inter 2s, rise 2, fall 3). */
export const HEALTH_CHECK_DEFAULTS: Readonly<HealthCheckSettings> = {
  type: 'tcp',
  intervalMs: 2000,
  timeoutMs: 1000,
  rise: 2,
  fall: 3,
  checkPort: 0,
  httpMethod: 'GET',
  httpPath: '/',
  httpStatusMin: 200,
  httpStatusMax: 399,
  send: '',
  expect: '',
  expectRegex: false,
  passiveFailures: 3,
  passiveFailurePercent: 0,
  passiveWindow: 100,
  passiveMinVolume: 20,
  maxEjectionPercent: 50,
  slowStartMs: 0,
  closeOnDown: false,
  role: 'any',
  username: '',
  user: '',
  database: '',
  password: '',
};

/** A service's `limits` unless set otherwise: every limit off, IPv6 clients grouped by /64, room for 100 000 clients. */
export const CLIENT_LIMITS_DEFAULTS: Readonly<ClientLimitsDto> = {
  perClientConnections: null,
  perClientRate: null,
  serviceRate: null,
  ipv6Prefix: 64,
  tableSize: 100_000,
};

/** Service defaults, apart from the health check. */
export const SERVICE_DEFAULTS: Readonly<Omit<ServiceSettingsDto, 'healthCheck'>> = {
  strategy: 'round-robin',
  strategyOptions: {},
  connectTimeoutMs: 3000,
  idleTimeoutMs: 0,
  retries: 2,
  drainTimeoutMs: 30_000,
  maxQueue: 0,
  queueTimeoutMs: 5000,
  maxConnectionLifetimeMs: 0,
  agentCheck: null,
  allow: [],
  deny: [],
  proxyProtocol: 'off',
  acceptProxyProtocol: null,
  limits: CLIENT_LIMITS_DEFAULTS,
  sni: null,
};

/** An agent check given without `intervalMs` polls this often (HAProxy's agent-inter default: 2 s). */
export const AGENT_CHECK_DEFAULTS: Readonly<Omit<AgentCheckDto, 'port'>> = { intervalMs: 2000 };

/** Backend defaults, apart from the address. */
export const BACKEND_DEFAULTS: Readonly<Omit<BackendDto, 'id' | 'serviceId' | 'address'>> = {
  weight: 1,
  state: 'enabled',
  backup: false,
  maxConnections: 0,
  agentCheck: null,
  proxyProtocol: null,
};

/** A discovery group's TTL bounds unless set otherwise: a 0-second TTL is not a busy loop, a day-long one still refreshes every minute. */
export const DISCOVERY_DEFAULTS = { minTtlMs: 1000, maxTtlMs: 60_000 } as const;

/** consistent-hash: no backend takes more than this × the average load, unless set otherwise. */
export const DEFAULT_BOUNDED_LOAD_FACTOR = 1.25;
