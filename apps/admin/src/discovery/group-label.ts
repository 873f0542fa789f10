// How a discovery group reads on the wire: its label (in place of an address) and its settings.
import { formatAddress } from '@fulcrum/shared/address';
import type { DiscoverDto, DiscoveryType } from '@fulcrum/shared/api';
import type { BackendRecord, DiscoverColumns } from '../store/backends-repo.ts';

/** The label a group shows as its `address`: `dns:redis.internal:6379`, `srv:_redis._tcp.internal`. */
export function groupLabel(type: DiscoveryType, name: string, port: number): string {
  return type === 'dns' ? `dns:${formatAddress(name, port)}` : `srv:${name}`;
}

/** A stored backend's `address` on the wire: host:port, or the group's label. */
export function backendAddress(b: Pick<BackendRecord, 'host' | 'port' | 'discover'>): string {
  return b.discover === null ? formatAddress(b.host, b.port) : groupLabel(b.discover.type, b.host, b.port);
}

/** A stored group's `discover` as the API shows it. */
export function toDiscoverDto(b: Pick<BackendRecord, 'host' | 'port'> & { discover: DiscoverColumns }): DiscoverDto {
  const { type, minTtlMs, maxTtlMs } = b.discover;
  return type === 'dns' ? { type, name: b.host, port: b.port, minTtlMs, maxTtlMs } : { type, name: b.host, minTtlMs, maxTtlMs };
}


/** `service` with each discovery group's current members and last resolution on this node (answers of the API). */
export function withDiscoveryStatus<S extends { backends: readonly { id: number; discover?: unknown }[] }>(
  service: S,
  status: (groupId: number) => unknown,
): S {
  if (!service.backends.some((b) => b.discover !== undefined)) return service;
  return { ...service, backends: service.backends.map((b) => (b.discover === undefined ? b : { ...b, discovery: status(b.id) })) };
}
