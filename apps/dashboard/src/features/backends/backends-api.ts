import type { AdminState, AgentCheckDto, BackendDto, DiscoverDto, ProxyProtocolMode, WithWarnings } from '@fulcrum/shared/api';
import { api } from '../../lib/api-client.ts';

/** A backend at `address`, or a DNS discovery group (`discover`; TTL bounds take their defaults). */
export interface BackendCreate {
  address?: string;
  discover?: Pick<DiscoverDto, 'type' | 'name' | 'port'>;
  weight?: number;
  backup?: boolean;
  maxConnections?: number;
  /** null = the service's agent check. */
  agentCheck?: AgentCheckDto | null;
  /** null = the service's proxyProtocol. */
  proxyProtocol?: ProxyProtocolMode | null;
}

export interface BackendPatch {
  weight?: number;
  state?: AdminState;
  backup?: boolean;
  maxConnections?: number;
  agentCheck?: AgentCheckDto | null;
  proxyProtocol?: ProxyProtocolMode | null;
}

/** Adds a backend; the answer carries `warnings` when it was added but deserves a look (same endpoint, unresolved name). */
export function addBackend(serviceId: number, body: BackendCreate): Promise<BackendDto & WithWarnings> {
  return api.post<BackendDto & WithWarnings>(`/services/${serviceId}/backends`, body);
}

/** PATCH a backend; `ifMatch`: the service version the change was made against (sent as If-Match). */
export async function updateBackend(serviceId: number, backendId: number, patch: BackendPatch, ifMatch?: number): Promise<BackendDto> {
  // The console's patches never change an address, so there is nothing to warn about; keep the DTO clean.
  const { warnings: _warnings, ...backend } = await api.patch<BackendDto & WithWarnings>(`/services/${serviceId}/backends/${backendId}`, patch, { ifMatch });
  return backend;
}

/** Ends the backend's connections gracefully over `windowMs` (it stays in rotation); `connections` is null with --workers. */
export function rebalanceBackend(serviceId: number, backendId: number, windowMs: number): Promise<{ connections: number | null }> {
  return api.post<{ connections: number | null }>(`/services/${serviceId}/backends/${backendId}/rebalance`, { windowMs });
}

export function removeBackend(serviceId: number, backendId: number): Promise<void> {
  return api.delete(`/services/${serviceId}/backends/${backendId}`);
}
