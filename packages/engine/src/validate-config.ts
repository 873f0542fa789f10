// Structural validation of a config snapshot, before anything is touched. The admin
// validates API input with schemas first; this guards the engine's own invariants. Both use
// the same ranges and names, declared once in @fulcrum/shared.
import type { EngineConfig, HealthCheckConfig, ServiceConfig } from './config.ts';
import { InvalidConfigError } from './errors.ts';
import { isStrategyName } from '@fulcrum/shared/strategies';
import { ADMIN_STATES, HEALTH_CHECK_TYPES, HTTP_CHECK_METHODS, PROXY_PROTOCOL_MODES, ROLES_BY_CHECK_TYPE, isOneOf } from '@fulcrum/shared/enums';
import { AGENT_CHECK_LIMITS, BACKEND_LIMITS, BOUNDED_LOAD_FACTOR, CLIENT_LIMITS, HEALTH_CHECK_LIMITS, RATE_LIMITS, SERVICE_LIMITS, describeRange, failureRateWindowProblem, inRange, isBoundedLoadFactor } from '@fulcrum/shared/limits';
import type { IntRange } from '@fulcrum/shared/limits';
import { checkCidrList } from '@fulcrum/shared/cidr';
import { checkSniList, proxyOnSniAddress, sharedAddressProblem } from '@fulcrum/shared/sni';

// Listen port 0 (ephemeral) is for embedders and tests; the admin only ever sends 1-65535.
const LISTEN_PORT: IntRange = { min: 0, max: 65535 };
const BACKEND_PORT: IntRange = { min: 1, max: 65535 };

function intIn(value: unknown, range: IntRange, field: string): void {
  if (!inRange(value, range)) throw new InvalidConfigError(`${field}: ${describeRange(range)}`, field);
}

/** Checks every field of `limits` on `object`, naming it `${at}.${key}`. */
function intsIn(object: object, limits: Readonly<Record<string, IntRange>>, at: string): void {
  for (const [key, range] of Object.entries(limits)) intIn((object as Record<string, unknown>)[key], range, `${at}.${key}`);
}

/** Ids are the admin's database ids: positive safe integers. */
function isId(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function host(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253) throw new InvalidConfigError(`${field} must be a host name or IP`, field);
}

function checkCidrs(list: unknown, field: string): void {
  if (list === undefined) return;
  if (!Array.isArray(list) || !list.every((e) => typeof e === 'string')) throw new InvalidConfigError(`${field} must be an array of CIDR strings`, field);
  const bad = checkCidrList(list as string[], field);
  if (bad !== null) throw new InvalidConfigError(`${bad.field}: ${bad.reason}`, bad.field);
}

/** `proxyProtocol`: absent, or one of the modes (null too where it means "the service's"). */
function checkProxyProtocol(value: unknown, field: string, nullable: boolean): void {
  if (value === undefined || (nullable && value === null)) return;
  if (!isOneOf(PROXY_PROTOCOL_MODES, value)) throw new InvalidConfigError(`${field} must be one of ${PROXY_PROTOCOL_MODES.join(', ')}`, field);
}

/** `acceptProxyProtocol`: absent/null, or `{ from }` with at least one CIDR. */
function checkAcceptProxy(value: unknown, at: string): void {
  if (value === undefined || value === null) return;
  const from = (value as { from?: unknown }).from;
  if (typeof value !== 'object' || !Array.isArray(from) || from.length === 0) {
    throw new InvalidConfigError(`${at}.from must list at least one CIDR`, `${at}.from`);
  }
  checkCidrs(from, `${at}.from`);
}

function checkHealth(h: HealthCheckConfig, at: string): void {
  if (!isOneOf(HEALTH_CHECK_TYPES, h.type)) throw new InvalidConfigError(`${at}.type: unknown health check type "${String(h.type)}"`, `${at}.type`);
  intsIn(h, HEALTH_CHECK_LIMITS, at);
  if (h.httpStatusMax < h.httpStatusMin) {
    throw new InvalidConfigError(`${at}.httpStatusMax: must not be less than httpStatusMin`, `${at}.httpStatusMax`);
  }
  const window = failureRateWindowProblem(h);
  if (window !== null) throw new InvalidConfigError(`${at}.passiveWindow: ${window}`, `${at}.passiveWindow`);
  if (!isOneOf(HTTP_CHECK_METHODS, h.httpMethod)) throw new InvalidConfigError(`${at}.httpMethod: must be one of ${HTTP_CHECK_METHODS.join(', ')}`, `${at}.httpMethod`);
  const roles = ROLES_BY_CHECK_TYPE[h.type] ?? ['any'];
  if (!isOneOf(roles, h.role)) throw new InvalidConfigError(`${at}.role: a ${h.type} check accepts ${roles.join(', ')}`, `${at}.role`);
  for (const field of ['username', 'user', 'database', 'password'] as const) {
    if (typeof h[field] !== 'string') throw new InvalidConfigError(`${at}.${field} must be a string`, `${at}.${field}`);
  }
  if (h.type === 'send-expect' && h.expectRegex) {
    try {
      new RegExp(h.expect);
    } catch {
      throw new InvalidConfigError(`${at}.expect is not a valid regular expression`, `${at}.expect`);
    }
  }
}

/** An agent check is null/absent (off, or the service's) or a port and an interval in range. */
function checkAgent(value: unknown, at: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object') throw new InvalidConfigError(`${at} must be an object or null`, at);
  intsIn(value, AGENT_CHECK_LIMITS, at);
}

/** `limits` is absent (no limits) or every field is there: each limit null (off) or in range. */
function checkLimits(value: unknown, at: string): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object') throw new InvalidConfigError(`${at} must be an object`, at);
  const l = value as Record<string, unknown>;
  if (l.perClientConnections !== null) intIn(l.perClientConnections, CLIENT_LIMITS.perClientConnections, `${at}.perClientConnections`);
  intIn(l.ipv6Prefix, CLIENT_LIMITS.ipv6Prefix, `${at}.ipv6Prefix`);
  intIn(l.tableSize, CLIENT_LIMITS.tableSize, `${at}.tableSize`);
  for (const rate of ['perClientRate', 'serviceRate'] as const) {
    const r = l[rate];
    if (r === null) continue;
    if (r === undefined || typeof r !== 'object') throw new InvalidConfigError(`${at}.${rate} must be null or { connections, intervalMs }`, `${at}.${rate}`);
    intsIn(r, RATE_LIMITS, `${at}.${rate}`);
  }
}

/** Checks a snapshot before anything is touched; throws InvalidConfigError naming the field. */
export function validateConfig(config: EngineConfig): void {
  if (config === null || typeof config !== 'object' || !Array.isArray(config.services)) {
    throw new InvalidConfigError('config.services must be an array', 'services');
  }
  const ids = new Set<number>();
  // Services by listen address (port 0 binds one ephemeral port per service: never shared).
  const listens = new Map<string, number[]>();
  config.services.forEach((s, i) => {
    const at = `services[${i}]`;
    if (!isId(s.id) || ids.has(s.id)) throw new InvalidConfigError(`${at}.id must be a unique positive integer`, `${at}.id`);
    ids.add(s.id);
    host(s.host, `${at}.host`);
    intIn(s.port, LISTEN_PORT, `${at}.port`);
    if (s.port !== 0) {
      const listenKey = `${s.host}:${s.port}`;
      listens.set(listenKey, [...(listens.get(listenKey) ?? []), i]);
    }
    checkSni(s.sni, `${at}.sni`);
    // Port 0: an address of its own (the shared ones are checked below, all services together).
    if (s.port === 0 && proxyOnSniAddress([s]) !== null) throw new InvalidConfigError(proxyOnSniMessage(at), `${at}.acceptProxyProtocol`);
    if (!isStrategyName(s.strategy)) throw new InvalidConfigError(`${at}.strategy: unknown strategy "${String(s.strategy)}"`, `${at}.strategy`);
    const f = s.strategyOptions?.boundedLoadFactor;
    if (f !== undefined && !isBoundedLoadFactor(f)) {
      const { off, min, max } = BOUNDED_LOAD_FACTOR;
      throw new InvalidConfigError(`${at}.strategyOptions.boundedLoadFactor: must be ${off} or from ${min} to ${max}`, `${at}.strategyOptions.boundedLoadFactor`);
    }
    // maxConnectionLifetimeMs may be absent (off), as for embedders that predate it.
    intsIn({ ...s, maxConnectionLifetimeMs: s.maxConnectionLifetimeMs ?? 0 }, SERVICE_LIMITS, at);
    for (const list of ['allow', 'deny'] as const) checkCidrs(s[list], `${at}.${list}`);
    checkProxyProtocol(s.proxyProtocol, `${at}.proxyProtocol`, false);
    checkAcceptProxy(s.acceptProxyProtocol, `${at}.acceptProxyProtocol`);
    checkHealth(s.healthCheck, `${at}.healthCheck`);
    checkAgent(s.agentCheck, `${at}.agentCheck`);
    checkLimits(s.limits, `${at}.limits`);
    if (!Array.isArray(s.backends)) throw new InvalidConfigError(`${at}.backends must be an array`, `${at}.backends`);
    const bids = new Set<number>();
    const addrs = new Set<string>();
    s.backends.forEach((b, j) => {
      const bat = `${at}.backends[${j}]`;
      if (!isId(b.id) || bids.has(b.id)) throw new InvalidConfigError(`${bat}.id must be a unique positive integer`, `${bat}.id`);
      bids.add(b.id);
      host(b.host, `${bat}.host`);
      intIn(b.port, BACKEND_PORT, `${bat}.port`);
      const key = `${b.host}:${b.port}`;
      if (addrs.has(key)) throw new InvalidConfigError(`${bat}: duplicate backend ${key}`, `${bat}.port`);
      addrs.add(key);
      intsIn(b, BACKEND_LIMITS, bat);
      if (!isOneOf(ADMIN_STATES, b.state)) throw new InvalidConfigError(`${bat}.state must be enabled, disabled or draining`, `${bat}.state`);
      if (typeof b.backup !== 'boolean') throw new InvalidConfigError(`${bat}.backup must be a boolean`, `${bat}.backup`);
      checkAgent(b.agentCheck, `${bat}.agentCheck`);
      checkProxyProtocol(b.proxyProtocol, `${bat}.proxyProtocol`, true);
    });
  });
  for (const [address, indexes] of listens) {
    const proxied = proxyOnSniAddress(indexes.map((i) => config.services[i] as ServiceConfig));
    if (proxied !== null) {
      const at = `services[${indexes[proxied] as number}]`;
      throw new InvalidConfigError(`${proxyOnSniMessage(at)} (${address})`, `${at}.acceptProxyProtocol`);
    }
    const problem = sharedAddressProblem(indexes.map((i) => config.services[i] as ServiceConfig));
    if (problem === null) continue;
    const at = `services[${indexes[problem.index] as number}].sni${problem.entry === null ? '' : `[${problem.entry}]`}`;
    throw new InvalidConfigError(`${at}: ${address}: ${problem.reason}`, at);
  }
}

const proxyOnSniMessage = (at: string): string =>
  `${at}.acceptProxyProtocol: a service names sni on this listen address, and its SNI peek reads each client's first bytes as a TLS ClientHello: a PROXY protocol header cannot be accepted there`;

/** `sni` is absent or null (no SNI routing: the default route of a shared address), or a list of valid names. */
function checkSni(list: unknown, field: string): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list) || !list.every((e) => typeof e === 'string')) throw new InvalidConfigError(`${field} must be null or an array of server names`, field);
  const bad = checkSniList(list as string[], field);
  if (bad !== null) throw new InvalidConfigError(`${bad.field}: ${bad.reason}`, bad.field);
}
