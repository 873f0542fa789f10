import type { ConnectionPageDto, ConnectionsClosedDto } from '@fulcrum/shared/connections';
import { api } from '../../lib/api-client.ts';

/** Which page of a service's connections: one backend or all, after a cursor. */
export interface ConnectionsQuery {
  backendId: number | null;
  after: number;
  limit: number;
}

/** One page of the service's live connections on the node this console talks to. */
export function fetchConnections(serviceId: number, q: ConnectionsQuery, signal?: AbortSignal): Promise<ConnectionPageDto> {
  const params = new URLSearchParams({ limit: String(q.limit) });
  if (q.after > 0) params.set('after', String(q.after));
  if (q.backendId !== null) params.set('backendId', String(q.backendId));
  return api.get<ConnectionPageDto>(`/services/${serviceId}/connections?${params}`, { signal });
}

/** Closes one connection now (both sides). */
export function closeConnection(serviceId: number, connectionId: number): Promise<ConnectionsClosedDto> {
  return api.delete<ConnectionsClosedDto>(`/services/${serviceId}/connections/${connectionId}`);
}

/** Closes every connection the backend holds on this node. */
export function closeBackendConnections(serviceId: number, backendId: number): Promise<ConnectionsClosedDto> {
  return api.post<ConnectionsClosedDto>(`/services/${serviceId}/backends/${backendId}/close-connections`);
}
