// Change functions for services. They run synchronously inside a config change's transaction
// (see config-service.ts), throw ApiErrors for bad input and record what they changed.
import { AGENT_CHECK_DEFAULTS, BACKEND_DEFAULTS, HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS } from '@fulcrum/shared/defaults';
import type { AcceptProxyProtocolDto, AgentCheckDto } from '@fulcrum/shared/api';
import { formatAddress } from '@fulcrum/shared/address';
import type { HostPort } from '@fulcrum/shared/address';
import type { AgentCheckInput, BackendInput, CreateServiceBody, PatchServiceBody } from '../schemas/service-schemas.ts';
import type { BackendRecord, BackendValues } from '../store/backends-repo.ts';
import type { ServiceValues } from '../store/services-repo.ts';
import { ApiError, notFound } from '../http/api-error.ts';
import { AddressChecks } from './address-checks.ts';
import type { ChangeContext } from './config-service.ts';
import { healthCheckChanges, mergeHealthCheck } from './health-check-input.ts';
import { mergeLimits } from './limits-input.ts';
import { checkAddress, checkCidrs, checkSni, checkStrategy, checkStrategyOptions, checkVersion, plural } from './input-checks.ts';
import { namesSni, proxyOnSniAddress, sharedAddressProblem } from '@fulcrum/shared/sni';
import { backendAddress, checkBackendTarget } from '../discovery/discover-input.ts';
import type { BackendTarget } from '../discovery/discover-input.ts';

type Changes = Record<string, { from: unknown; to: unknown }>;

/** Field-by-field differences of two flat records (objects compared as JSON). */
export function diff(before: object, after: object, prefix = ''): Changes {
  const changes: Changes = {};
  for (const [key, to] of Object.entries(after)) {
    const from = (before as Record<string, unknown>)[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[prefix + key] = { from, to };
  }
  return changes;
}

const isScalar = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/**
 * The audit message's list of changed fields: `strategy: round-robin → least-connections` for
 * scalar fields, the bare name for objects (their from/to are in the event's details).
 */
export function describeChanges(changes: Changes): string[] {
  return Object.entries(changes).map(([field, { from, to }]) =>
    isScalar(from) && isScalar(to) ? `${field}: ${String(from)} → ${String(to)}` : field,
  );
}

function uniqueService(ctx: ChangeContext, values: Pick<ServiceValues, 'name' | 'host' | 'port' | 'sni' | 'acceptProxyProtocol'>, selfId?: number): void {
  const byName = ctx.store.services.findByName(values.name);
  if (byName && byName.id !== selfId) {
    throw new ApiError(409, 'DUPLICATE_SERVICE', `name: a service named "${values.name}" already exists`, 'name');
  }
  const others = ctx.store.services.listByListen(values.host, values.port).filter((s) => s.id !== selfId);
  checkSharedListen(others, values, '');
}

/**
 * 409 unless `values` may join `others` on their listen address (README "TLS SNI routing"):
 * DUPLICATE_SERVICE naming `listen` when none of them routes by SNI (an address of its own, as
 * always), else SNI_CONFLICT naming `sni` or the entry (`sni[0]`); SNI_CONFLICT naming
 * `acceptProxyProtocol` (or `sni`) when the address would both route by SNI and accept PROXY
 * headers. `prefix` prefixes the field.
 */
export function checkSharedListen(
  others: readonly Pick<ServiceValues, 'name' | 'sni' | 'acceptProxyProtocol'>[],
  values: Pick<ServiceValues, 'host' | 'port' | 'sni' | 'acceptProxyProtocol'>,
  prefix: string,
): void {
  const address = formatAddress(values.host, values.port);
  // The SNI peek reads a client's first bytes as a ClientHello: no PROXY header on its address.
  const proxied = proxyOnSniAddress([...others, values]);
  if (proxied !== null) {
    const field = `${prefix}${proxied === others.length ? 'acceptProxyProtocol' : 'sni'}`;
    throw new ApiError(409, 'SNI_CONFLICT', `${field}: ${address}: TLS SNI routing reads each client's first bytes on this address as a ClientHello, so no service there may accept a PROXY protocol header (acceptProxyProtocol)`, field);
  }
  if (others.length === 0) return;
  if (!namesSni(values) && !others.some(namesSni)) {
    const field = `${prefix}listen`;
    throw new ApiError(409, 'DUPLICATE_SERVICE', `${field}: service "${(others[0] as { name: string }).name}" already listens on ${address} (services share an address only with TLS SNI routing: name each one's sni)`, field);
  }
  // The service being changed goes last, so the problem found is its own.
  const problem = sharedAddressProblem([...others, values]);
  if (problem === null) return;
  const field = `${prefix}sni${problem.index === others.length && problem.entry !== null ? `[${problem.entry}]` : ''}`;
  throw new ApiError(409, 'SNI_CONFLICT', `${field}: ${address}: ${problem.reason}`, field);
}

/** Parses a list of backends (addresses or discovery groups); duplicates within the list are 409 DUPLICATE_BACKEND. */
export function parseBackendList(list: BackendInput[]): (BackendTarget & { input: BackendInput })[] {
  const seen = new Set<string>();
  return list.map((input, i) => {
    const target = checkBackendTarget(input, `backends[${i}].`);
    const field = `backends[${i}].${target.discover ? 'discover' : 'address'}`;
    if (seen.has(target.key)) throw new ApiError(409, 'DUPLICATE_BACKEND', `${field}: ${target.key} is listed twice`, field);
    seen.add(target.key);
    return { ...target, input };
  });
}

/** An agent check as stored: the input's, with the default interval filled in; `undefined` keeps `current`. */
export function agentCheckOver(input: AgentCheckInput | undefined, current: AgentCheckDto | null): AgentCheckDto | null {
  if (input === undefined) return current;
  if (input === null) return null;
  return { port: input.port, intervalMs: input.intervalMs ?? AGENT_CHECK_DEFAULTS.intervalMs };
}

/** Values of a backend: the input over the current values (or the defaults); `target` says where it is (or what it discovers). */
export function backendValues(target: Omit<BackendTarget, 'key'>, input: Omit<BackendInput, 'address' | 'discover'>, current?: BackendValues): BackendValues {
  const { host, port, discover } = target;
  const base = current ?? { host, port, discover, ...BACKEND_DEFAULTS };
  return {
    host,
    port,
    discover,
    weight: input.weight ?? base.weight,
    state: input.state ?? base.state,
    backup: input.backup ?? base.backup,
    maxConnections: input.maxConnections ?? base.maxConnections,
    agentCheck: agentCheckOver(input.agentCheck, base.agentCheck),
    proxyProtocol: input.proxyProtocol === undefined ? base.proxyProtocol : input.proxyProtocol,
  };
}

/** acceptProxyProtocol as stored: `undefined` keeps `current`, null turns it off, entries checked (INVALID_CIDR naming `acceptProxyProtocol.from[1]`). */
function acceptProxyOver(input: AcceptProxyProtocolDto | null | undefined, current: AcceptProxyProtocolDto | null): AcceptProxyProtocolDto | null {
  if (input === undefined) return current;
  if (input === null) return null;
  return { from: checkCidrs(input.from, 'acceptProxyProtocol.from') };
}

/** Values of a service: the input over `base` (the current values, or the defaults), checked. */
function serviceValuesOver(base: ServiceValues, input: Omit<PatchServiceBody, 'backends' | 'version'>): ServiceValues {
  const listen = input.listen === undefined ? base : checkAddress(input.listen, 'listen');
  return {
    name: input.name ?? base.name,
    host: listen.host,
    port: listen.port,
    strategy: checkStrategy(input.strategy ?? base.strategy),
    strategyOptions: checkStrategyOptions(input.strategyOptions ?? base.strategyOptions),
    connectTimeoutMs: input.connectTimeoutMs ?? base.connectTimeoutMs,
    idleTimeoutMs: input.idleTimeoutMs ?? base.idleTimeoutMs,
    retries: input.retries ?? base.retries,
    drainTimeoutMs: input.drainTimeoutMs ?? base.drainTimeoutMs,
    maxQueue: input.maxQueue ?? base.maxQueue,
    queueTimeoutMs: input.queueTimeoutMs ?? base.queueTimeoutMs,
    maxConnectionLifetimeMs: input.maxConnectionLifetimeMs ?? base.maxConnectionLifetimeMs,
    agentCheck: agentCheckOver(input.agentCheck, base.agentCheck),
    allow: checkCidrs(input.allow ?? base.allow, 'allow'),
    deny: checkCidrs(input.deny ?? base.deny, 'deny'),
    proxyProtocol: input.proxyProtocol ?? base.proxyProtocol,
    acceptProxyProtocol: acceptProxyOver(input.acceptProxyProtocol, base.acceptProxyProtocol),
    limits: mergeLimits(base.limits, input.limits),
    sni: input.sni === undefined ? base.sni : checkSni(input.sni),
    healthCheck: mergeHealthCheck(base.healthCheck, input.healthCheck),
  };
}

/** The service a create request or a config-file entry stands for: checked, defaults filled in. */
export function serviceValuesFrom(input: Omit<CreateServiceBody, 'backends'>): ServiceValues {
  const defaults: ServiceValues = { name: input.name, host: '', port: 0, ...SERVICE_DEFAULTS, healthCheck: HEALTH_CHECK_DEFAULTS };
  return serviceValuesOver(defaults, input);
}

/** Checks each listed backend against the service's listener and the backends listed before it. */
function checkBackendList(checks: AddressChecks, listen: HostPort, list: readonly { host: string; port: number; discover: unknown }[]): void {
  // A group's members are checked when they are resolved (discovery/members.ts), not here.
  const addresses = list.filter((b) => b.discover === null);
  list.forEach((b, i) => {
    if (b.discover === null) checks.backend(listen, b, `backends[${i}].address`, addresses.slice(0, addresses.indexOf(b)));
  });
}

/** Creates a service with its backends; returns its id. `checks` refuses self-loops and collects warnings. */
export function createService(ctx: ChangeContext, input: CreateServiceBody, checks = new AddressChecks()): number {
  const values = serviceValuesFrom(input);
  const backends = parseBackendList(input.backends ?? []);
  checkBackendList(checks, values, backends);
  checks.noIdleTimeout(values.idleTimeoutMs, 'idleTimeoutMs');
  uniqueService(ctx, values);
  const id = ctx.store.services.insert(values);
  for (const b of backends) ctx.store.backends.insert(id, backendValues(b, b.input));
  ctx.audit({
    kind: 'service-created',
    serviceId: id,
    message: `service "${values.name}" created on ${formatAddress(values.host, values.port)} (${values.strategy}, ${plural(backends.length, 'backend')})`,
    details: { name: values.name, listen: formatAddress(values.host, values.port), strategy: values.strategy, backends: backends.map((b) => b.key) },
  });
  return id;
}

/** Reconciles a service's backends with a complete new list, matched by address. */
function replaceBackends(ctx: ChangeContext, serviceId: number, list: BackendInput[], listen: HostPort, checks: AddressChecks) {
  const wanted = parseBackendList(list);
  checkBackendList(checks, listen, wanted);
  const existing = new Map<string, BackendRecord>(
    ctx.store.backends.listByService(serviceId).map((b) => [backendAddress(b), b]),
  );
  const added: string[] = [];
  const updated: Record<string, Changes> = {};
  for (const b of wanted) {
    const current = existing.get(b.key);
    if (!current) {
      ctx.store.backends.insert(serviceId, backendValues(b, b.input));
      added.push(b.key);
      continue;
    }
    existing.delete(b.key);
    const next = backendValues(b, b.input, current);
    const changes = diff(current, next);
    if (Object.keys(changes).length > 0) {
      ctx.store.backends.update(current.id, next);
      updated[b.key] = changes;
    }
  }
  const removed = [...existing.keys()];
  for (const b of existing.values()) ctx.store.backends.delete(b.id);
  const changed = added.length + removed.length + Object.keys(updated).length > 0;
  return { changed, added, removed, updated };
}

/** Applies a partial update; `ifMatch` is the If-Match version, if any; `checks` as in createService. */
export function updateService(ctx: ChangeContext, id: number, input: PatchServiceBody, ifMatch?: number, checks = new AddressChecks()): void {
  const current = ctx.store.services.get(id);
  if (!current) throw notFound(`service ${id}`);
  checkVersion(current.version, ifMatch, input.version);
  const { id: _id, version: _version, ...currentValues } = current;
  const next = serviceValuesOver(currentValues, input);
  const { healthCheck: hcBefore, ...flatBefore } = currentValues;
  const { healthCheck: hcAfter, ...flatAfter } = next;
  const changes = { ...diff(flatBefore, flatAfter), ...healthCheckChanges(hcBefore, hcAfter, diff) };
  // host and port read better as one field in the audit log.
  if (changes.host || changes.port) {
    delete changes.host;
    delete changes.port;
    changes.listen = { from: formatAddress(current.host, current.port), to: formatAddress(next.host, next.port) };
  }
  const serviceChanged = Object.keys(changes).length > 0;
  if (serviceChanged) {
    uniqueService(ctx, next, id);
    ctx.store.services.update(id, next);
  }
  // A new listen address must not turn a backend the service keeps into its own listener.
  if (input.backends === undefined && (next.host !== current.host || next.port !== current.port)) {
    for (const b of ctx.store.backends.listByService(id)) if (b.discover === null) checks.listenAgainst(next, b, 'listen');
  }
  const backends = input.backends === undefined ? undefined : replaceBackends(ctx, id, input.backends, next, checks);
  if (!serviceChanged && !backends?.changed) return;
  if (!serviceChanged) ctx.store.services.bumpVersion(id);
  const parts = describeChanges(changes);
  if (backends?.changed) parts.push('backends');
  ctx.audit({
    kind: 'service-updated',
    serviceId: id,
    message: `service "${next.name}" updated: ${parts.join(', ')}`,
    details: backends?.changed ? { changes, backends: { added: backends.added, removed: backends.removed, updated: backends.updated } } : { changes },
  });
}

/** Deletes a service; the engine drains its connections. */
export function deleteService(ctx: ChangeContext, id: number, ifMatch?: number, version?: number): void {
  const current = ctx.store.services.get(id);
  if (!current) throw notFound(`service ${id}`);
  checkVersion(current.version, ifMatch, version);
  ctx.store.services.delete(id);
  ctx.audit({
    kind: 'service-deleted',
    serviceId: id,
    message: `service "${current.name}" deleted (was on ${formatAddress(current.host, current.port)})`,
    details: { name: current.name, listen: formatAddress(current.host, current.port) },
  });
}
