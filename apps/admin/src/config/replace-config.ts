// Replaces the whole configuration with a document, inside one config change (one transaction,
// one engine.apply). Services are matched by name and backends by address: matched ones are
// updated in place and keep their ids, so the engine leaves their established connections alone;
// services and backends missing from the document are removed (their connections drain); new
// ones are created. Everything is checked before anything is written; any failure changes nothing.
import { EngineError, ListenError } from '@fulcrum/engine';
import { BACKEND_DEFAULTS } from '@fulcrum/shared/defaults';
import { formatAddress, parseAddress } from '@fulcrum/shared/address';
import type { ServiceValues } from '../store/services-repo.ts';
import type { BackendRecord, BackendValues } from '../store/backends-repo.ts';
import type { ConfigDocumentInput } from '../schemas/config-schemas.ts';
import { ApiError } from '../http/api-error.ts';
import { AddressChecks } from './address-checks.ts';
import type { ChangeContext } from './config-service.ts';
import { plural } from './input-checks.ts';
import { backendValues, checkSharedListen, describeChanges, diff, parseBackendList, serviceValuesFrom } from './service-changes.ts';
import { backendAddress } from '../discovery/discover-input.ts';
import { healthCheckChanges, keepStoredPassword } from './health-check-input.ts';

/** Runs `check`, re-throwing its ApiError with `prefix` in front of the field it names. */
function within<T>(prefix: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof ApiError) || err.field === undefined) throw err;
    const field = `${prefix}${err.field}`;
    const message = err.message.startsWith(`${err.field}:`) ? `${prefix}${err.message}` : `${field}: ${err.message}`;
    throw new ApiError(err.statusCode, err.code, message, field, { cause: err.cause });
  }
}

interface PlannedBackend {
  key: string;
  values: BackendValues;
}

interface PlannedService {
  values: ServiceValues;
  listenKey: string;
  backends: PlannedBackend[];
}

/** Checks one service entry completely and returns the values it stands for (defaults filled in). */
function planService(input: ConfigDocumentInput['services'][number], i: number, checks: AddressChecks, storedPassword?: (name: string) => string): PlannedService {
  const prefix = `services[${i}].`;
  const firstWarning = checks.warnings.length;
  const plan = within(prefix, () => {
    const values = serviceValuesFrom({ ...input, healthCheck: keepStoredPassword(input.healthCheck, storedPassword?.(input.name)) });
    const backends = parseBackendList(input.backends ?? []).map((b) => ({
      key: b.key,
      values: backendValues(b, b.input, { host: b.host, port: b.port, discover: b.discover, ...BACKEND_DEFAULTS }),
    }));
    // A group's members are checked when they are resolved (discovery/members.ts), not here.
    const addresses = backends.filter((b) => b.values.discover === null);
    backends.forEach((b, j) => {
      if (b.values.discover === null) checks.backend(values, b.values, `backends[${j}].address`, addresses.slice(0, addresses.indexOf(b)).map((o) => o.values));
    });
    return { values, listenKey: formatAddress(values.host, values.port), backends };
  });
  checks.prefixFrom(firstWarning, prefix);
  return plan;
}

/**
 * Checks the whole document; the first problem is thrown naming its path. `checks` refuses
 * self-loops and collects warnings (unresolved names, two spellings of one endpoint).
 * `storedPassword` names the health-check password stored for a service name ('' for none);
 * without it (a file checked before it is sent) `passwordSet: true` is not checked yet.
 */
export function planConfig(doc: ConfigDocumentInput, checks = new AddressChecks(), storedPassword?: (name: string) => string): PlannedService[] {
  const plans = doc.services.map((service, i) => planService(service, i, checks, storedPassword));
  const names = new Map<string, number>();
  const listens = new Map<string, PlannedService[]>();
  plans.forEach((plan, i) => {
    const sameName = names.get(plan.values.name);
    if (sameName !== undefined) {
      const field = `services[${i}].name`;
      throw new ApiError(409, 'DUPLICATE_SERVICE', `${field}: "${plan.values.name}" is also the name of services[${sameName}]`, field);
    }
    // Services share a listen address only with TLS SNI routing (README "TLS SNI routing").
    const sameListen = listens.get(plan.listenKey) ?? [];
    checkSharedListen(sameListen.map((p) => p.values), plan.values, `services[${i}].`);
    names.set(plan.values.name, i);
    listens.set(plan.listenKey, [...sameListen, plan]);
  });
  return plans;
}

/** What a replacement did, by service name (also the `config-replaced` audit details). */
export interface ReplaceSummary {
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
}

/** Reconciles one service's backends with the planned list; returns what changed (by address). */
function reconcileBackends(ctx: ChangeContext, serviceId: number, planned: PlannedBackend[]) {
  const existing = new Map<string, BackendRecord>(
    ctx.store.backends.listByService(serviceId).map((b) => [backendAddress(b), b]),
  );
  const added: string[] = [];
  const updated: Record<string, ReturnType<typeof diff>> = {};
  const wanted = new Set(planned.map((b) => b.key));
  const removed = [...existing.keys()].filter((key) => !wanted.has(key));
  for (const key of removed) ctx.store.backends.delete(existing.get(key)!.id);
  for (const b of planned) {
    const current = existing.get(b.key);
    if (!current) {
      ctx.store.backends.insert(serviceId, b.values);
      added.push(b.key);
      continue;
    }
    const { id: _id, serviceId: _sid, ...currentValues } = current;
    const changes = diff(currentValues, b.values);
    if (Object.keys(changes).length > 0) {
      ctx.store.backends.update(current.id, b.values);
      updated[b.key] = changes;
    }
  }
  return { changed: added.length + removed.length + Object.keys(updated).length > 0, added, removed, updated };
}

/**
 * The change function: makes the store hold exactly `doc`. `onIds` learns which service name got
 * which id (to name the document entry when the engine refuses one); `checks` as in planConfig, and
 * it notes each created service without idle timeout.
 */
export function replaceConfig(
  ctx: ChangeContext,
  doc: ConfigDocumentInput,
  onIds?: (idToName: Map<number, string>) => void,
  checks = new AddressChecks(),
): ReplaceSummary {
  const current = new Map(ctx.store.services.list().map((s) => [s.name, s]));
  const plans = planConfig(doc, checks, (name) => current.get(name)?.healthCheck.password ?? '');
  const wantedNames = new Set(plans.map((p) => p.values.name));
  const summary: ReplaceSummary = { created: [], updated: [], deleted: [], unchanged: [] };
  const idToName = new Map<number, string>();

  for (const [name, service] of current) {
    if (wantedNames.has(name)) continue;
    ctx.store.services.delete(service.id);
    summary.deleted.push(name);
    ctx.audit({
      kind: 'service-deleted',
      serviceId: service.id,
      message: `service "${name}" deleted (was on ${formatAddress(service.host, service.port)})`,
      details: { name, listen: formatAddress(service.host, service.port) },
    });
  }
  // Two kept services may trade listen addresses: park the movers first so UNIQUE (host, port)
  // holds after every statement, not only at the end.
  for (const plan of plans) {
    const existing = current.get(plan.values.name);
    if (existing && (existing.host !== plan.values.host || existing.port !== plan.values.port)) {
      ctx.store.services.park(existing.id);
    }
  }
  for (const plan of plans) {
    const existing = current.get(plan.values.name);
    if (!existing) continue;
    idToName.set(existing.id, plan.values.name);
    const { id, version: _version, ...before } = existing;
    const { healthCheck: hcBefore, ...flatBefore } = before;
    const { healthCheck: hcAfter, ...flatAfter } = plan.values;
    const changes = { ...diff(flatBefore, flatAfter), ...healthCheckChanges(hcBefore, hcAfter, diff) };
    if (changes.host || changes.port) {
      delete changes.host;
      delete changes.port;
      changes.listen = { from: formatAddress(existing.host, existing.port), to: plan.listenKey };
    }
    const serviceChanged = Object.keys(changes).length > 0;
    // A parked service's listen changed, so it is always rewritten here.
    if (serviceChanged) ctx.store.services.update(id, plan.values);
    const backends = reconcileBackends(ctx, id, plan.backends);
    if (!serviceChanged && !backends.changed) {
      summary.unchanged.push(plan.values.name);
      continue;
    }
    if (!serviceChanged) ctx.store.services.bumpVersion(id);
    summary.updated.push(plan.values.name);
    const parts = describeChanges(changes);
    if (backends.changed) parts.push('backends');
    ctx.audit({
      kind: 'service-updated',
      serviceId: id,
      message: `service "${plan.values.name}" updated: ${parts.join(', ')}`,
      details: backends.changed
        ? { changes, backends: { added: backends.added, removed: backends.removed, updated: backends.updated } }
        : { changes },
    });
  }
  for (const [i, plan] of plans.entries()) {
    if (current.has(plan.values.name)) continue;
    checks.noIdleTimeout(plan.values.idleTimeoutMs, `services[${i}].idleTimeoutMs`);
    const id = ctx.store.services.insert(plan.values);
    idToName.set(id, plan.values.name);
    for (const b of plan.backends) ctx.store.backends.insert(id, b.values);
    summary.created.push(plan.values.name);
    ctx.audit({
      kind: 'service-created',
      serviceId: id,
      message: `service "${plan.values.name}" created on ${plan.listenKey} (${plan.values.strategy}, ${plural(plan.backends.length, 'backend')})`,
      details: { name: plan.values.name, listen: plan.listenKey, strategy: plan.values.strategy, backends: plan.backends.map((b) => b.key) },
    });
  }
  onIds?.(idToName);
  if (summary.created.length + summary.updated.length + summary.deleted.length > 0) {
    const { unchanged: _unchanged, ...changed } = summary;
    ctx.audit({
      kind: 'config-replaced',
      message: `configuration replaced: ${plural(summary.created.length, 'service')} created, ${summary.updated.length} updated, ${summary.deleted.length} deleted`,
      details: changed,
    });
  }
  return summary;
}

/**
 * Names the document entry an engine refusal is about: `services[2].listen` instead of the
 * engine's own index or the bare `listen`. Other errors pass through.
 */
export function locateEngineError(
  err: unknown,
  doc: ConfigDocumentInput,
  idToName: Map<number, string>,
  before: readonly { name: string; listen: string }[] = [],
): unknown {
  if (!(err instanceof ApiError) || !(err.cause instanceof EngineError)) return err;
  const cause = err.cause;
  let name: string | undefined;
  let rest: string | undefined;
  if (cause instanceof ListenError) {
    name = idToName.get(cause.serviceId);
    rest = 'listen';
  } else {
    const match = /^services\[(\d+)\]\.?(.*)$/.exec(cause.field ?? '');
    if (match) {
      // The engine's index is the position in its snapshot, which is ordered by id.
      const ids = [...idToName.keys()].sort((a, b) => a - b);
      name = idToName.get(ids[Number(match[1])] ?? -1);
      rest = match[2];
    }
  }
  const index = doc.services.findIndex((s) => s.name === name);
  if (index < 0) return err;
  const field = rest ? `services[${index}].${rest}` : `services[${index}]`;
  let message = `${field}: ${cause.message}`;
  if (err.code === 'ADDRESS_IN_USE') {
    const parsed = parseAddress(doc.services[index]?.listen);
    const listen = parsed.ok ? formatAddress(parsed.value.host.toLowerCase(), parsed.value.port) : undefined;
    const holder = before.find((s) => s.listen === listen && s.name !== name);
    if (holder) {
      message +=
        ` by service "${holder.name}" of the current configuration: new listeners are bound before old ones are released,` +
        ' so moving a listen address between services takes two steps (or rename with PATCH /api/services/:id)';
    }
  }
  return new ApiError(err.statusCode, err.code, message, field, { cause });
}
