import type { AdminState, BackendDto } from '@fulcrum/shared/api';
import { api } from '../../lib/api-client.ts';

export interface BackendCreate {
  address: string;
  weight?: number;
  backup?: boolean;
  maxConnections?: number;
}

export interface BackendPatch {
  weight?: number;
  state?: AdminState;
  backup?: boolean;
  maxConnections?: number;
}

export function addBackend(serviceId: number, body: BackendCreate): Promise<BackendDto> {
  return api.post<BackendDto>(`/services/${serviceId}/backends`, body);
}

export function updateBackend(serviceId: number, backendId: number, patch: BackendPatch): Promise<BackendDto> {
  return api.patch<BackendDto>(`/services/${serviceId}/backends/${backendId}`, patch);
}

export function removeBackend(serviceId: number, backendId: number): Promise<void> {
  return api.delete(`/services/${serviceId}/backends/${backendId}`);
}
