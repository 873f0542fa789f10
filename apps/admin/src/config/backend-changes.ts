// Change functions for one backend. Every backend change bumps its service's version.
import { formatAddress } from '@fulcrum/shared/address';
import type { BackendInput, PatchBackendBody } from '../schemas/service-schemas.ts';
import type { ServiceRecord } from '../store/services-repo.ts';
import type { BackendRecord } from '../store/backends-repo.ts';
import { ApiError, notFound } from '../http/api-error.ts';
import { AddressChecks } from './address-checks.ts';
import type { ChangeContext } from './config-service.ts';
import { checkAddress, checkVersion } from './input-checks.ts';
import { backendValues, diff } from './service-changes.ts';
import { backendAddress, checkBackendTarget } from '../discovery/discover-input.ts';

function serviceFor(ctx: ChangeContext, serviceId: number, ifMatch: number | undefined, version?: number): ServiceRecord {
  const service = ctx.store.services.get(serviceId);
  if (!service) throw notFound(`service ${serviceId}`);
  checkVersion(service.version, ifMatch, version);
  return service;
}

function backendFor(ctx: ChangeContext, service: ServiceRecord, backendId: number): BackendRecord {
  const backend = ctx.store.backends.get(service.id, backendId);
  if (!backend) throw notFound(`backend ${backendId} of service ${service.id}`);
  return backend;
}

function duplicate(address: string): ApiError {
  return new ApiError(409, 'DUPLICATE_BACKEND', `address: the service already has a backend at ${address}`, 'address');
}

function duplicateGroup(label: string): ApiError {
  return new ApiError(409, 'DUPLICATE_BACKEND', `discover: the service already has the discovery group ${label}`, 'discover');
}

/** Adds a backend or a discovery group; returns its id. `checks` refuses a self-loop and collects the change's warnings. */
export function addBackend(ctx: ChangeContext, serviceId: number, input: BackendInput, ifMatch?: number, checks = new AddressChecks()): number {
  const service = serviceFor(ctx, serviceId, ifMatch);
  const target = checkBackendTarget(input);
  const { host, port, discover } = target;
  if (discover === null) {
    if (ctx.store.backends.findByAddress(serviceId, host, port)) throw duplicate(target.key);
    checks.backend(service, { host, port }, 'address', ctx.store.backends.listByService(serviceId).filter((b) => b.discover === null));
  } else if (ctx.store.backends.findGroup(serviceId, discover.type, host, port)) {
    throw duplicateGroup(target.key);
  }
  const values = backendValues(target, input);
  const id = ctx.store.backends.insert(serviceId, values);
  ctx.store.services.bumpVersion(serviceId);
  const what = discover === null ? `backend ${target.key}` : `discovery group ${target.key}`;
  ctx.audit({
    kind: 'backend-added',
    serviceId,
    backendId: id,
    message: `${what} added to "${service.name}"`,
    details: {
      address: target.key,
      ...(discover === null ? {} : { discover: { type: discover.type, name: host, ...(discover.type === 'dns' ? { port } : {}), minTtlMs: discover.minTtlMs, maxTtlMs: discover.maxTtlMs } }),
      weight: values.weight,
      state: values.state,
      backup: values.backup,
      maxConnections: values.maxConnections,
      agentCheck: values.agentCheck,
      proxyProtocol: values.proxyProtocol,
    },
  });
  return id;
}

/** Changes a backend's settings (and possibly its address, checked as in addBackend). */
export function updateBackend(
  ctx: ChangeContext,
  serviceId: number,
  backendId: number,
  input: PatchBackendBody,
  ifMatch?: number,
  checks = new AddressChecks(),
): void {
  const service = serviceFor(ctx, serviceId, ifMatch, input.version);
  const current = backendFor(ctx, service, backendId);
  if (current.discover !== null && input.address !== undefined) {
    throw new ApiError(400, 'VALIDATION_ERROR', 'address: a discovery group has no address (remove it and add another group to resolve another name)', 'address');
  }
  const { host, port } = input.address === undefined ? current : checkAddress(input.address, 'address');
  const { id: _id, serviceId: _serviceId, ...currentValues } = current;
  const next = backendValues({ host, port, discover: current.discover }, input, currentValues);
  const changes = diff(currentValues, next);
  if (Object.keys(changes).length === 0) return;
  if (changes.host || changes.port) {
    const address = formatAddress(host, port);
    const other = ctx.store.backends.findByAddress(serviceId, host, port);
    if (other && other.id !== backendId) throw duplicate(address);
    const others = ctx.store.backends.listByService(serviceId).filter((b) => b.id !== backendId && b.discover === null);
    checks.backend(service, { host, port }, 'address', others);
    delete changes.host;
    delete changes.port;
    changes.address = { from: formatAddress(current.host, current.port), to: address };
  }
  ctx.store.backends.update(backendId, next);
  ctx.store.services.bumpVersion(serviceId);
  const summary = Object.entries(changes)
    .map(([field, c]) => `${field} ${String(c.from)} → ${String(c.to)}`)
    .join(', ');
  ctx.audit({
    kind: 'backend-updated',
    serviceId,
    backendId,
    message: `backend ${backendAddress(current)} of "${service.name}" updated: ${summary}`,
    details: { changes },
  });
}

/** Removes a backend; the engine stops sending it new connections and drains the rest. */
export function removeBackend(ctx: ChangeContext, serviceId: number, backendId: number, ifMatch?: number, version?: number): void {
  const service = serviceFor(ctx, serviceId, ifMatch, version);
  const current = backendFor(ctx, service, backendId);
  ctx.store.backends.delete(backendId);
  ctx.store.services.bumpVersion(serviceId);
  const address = backendAddress(current);
  ctx.audit({
    kind: 'backend-removed',
    serviceId,
    backendId,
    message: `backend ${address} removed from "${service.name}"; its connections drain`,
    details: { address },
  });
}
