import type { HealthCheckDto, ServiceDto, StatsDto, WithWarnings } from '@fulcrum/shared/api';
import type { StrategyName } from '@fulcrum/shared/strategies';
import { api } from '../../lib/api-client.ts';

/** Body of POST /api/services: name, listen and strategy, everything else optional. */
export type ServiceCreate = Pick<ServiceDto, 'name' | 'listen' | 'strategy'> &
  Partial<Omit<ServiceDto, 'id' | 'version' | 'backends' | 'healthCheck' | 'name' | 'listen' | 'strategy'>> & {
    /** `password` is write-only: sent when typed, never answered. */
    healthCheck?: Partial<HealthCheckDto> & { password?: string };
  };

/** Body of PATCH /api/services/:id; `version`: refuse (409 VERSION_CONFLICT) unless the service is still at it. */
export type ServicePatch = Partial<Omit<ServiceCreate, 'strategy'>> & { strategy?: StrategyName; version?: number };

export function listServices(): Promise<ServiceDto[]> {
  return api.get<ServiceDto[]>('/services');
}

/** GET /api/services/:id: the service as it runs now. */
export function getService(id: number): Promise<ServiceDto> {
  return api.get<ServiceDto>(`/services/${id}`);
}

/** The service as the store keeps it: a change's `warnings` are not part of it. */
function withoutWarnings({ warnings: _warnings, ...service }: ServiceDto & WithWarnings): ServiceDto {
  return service;
}

export async function createService(body: ServiceCreate): Promise<ServiceDto> {
  return withoutWarnings(await api.post<ServiceDto & WithWarnings>('/services', body));
}

/** PATCH a service; `ifMatch`: the version the change was made against (sent as If-Match). */
export async function updateService(id: number, patch: ServicePatch, ifMatch?: number): Promise<ServiceDto> {
  return withoutWarnings(await api.patch<ServiceDto & WithWarnings>(`/services/${id}`, patch, { ifMatch }));
}

export function deleteService(id: number): Promise<void> {
  return api.delete(`/services/${id}`);
}

export function fetchStats(): Promise<StatsDto> {
  return api.get<StatsDto>('/stats');
}
