// Configuration as the admin last reported it: services with their backends.
import type { BackendDto, ServiceDto } from '@fulcrum/shared/api';

export interface ServicesSlice {
  services: ServiceDto[];
  /** False until the first GET /api/services or `hello` arrives. */
  servicesLoaded: boolean;
  selectedServiceId: number | null;
  /**
   * Whole-configuration snapshots received (`hello`, `config`, GET /api/services). A change's
   * answer that one overtook is not applied: that snapshot, or the push of the change that follows
   * it, is the truth, whichever node or browser the changes came from.
   */
  configSnapshots: number;
}

export const initialServicesSlice: ServicesSlice = {
  services: [],
  servicesLoaded: false,
  selectedServiceId: null,
  configSnapshots: 0,
};

function byId(a: { id: number }, b: { id: number }): number {
  return a.id - b.id;
}

/** Keeps the selection valid: the requested id if it exists, else the first service, else null. */
export function resolveSelection(services: readonly ServiceDto[], wanted: number | null): number | null {
  if (wanted != null && services.some((s) => s.id === wanted)) return wanted;
  return services[0]?.id ?? null;
}

/** Replaces the whole configuration (`hello`, `config`, GET /api/services). */
export function replaceServices(state: ServicesSlice, services: readonly ServiceDto[]): ServicesSlice {
  const sorted = [...services].sort(byId);
  return {
    services: sorted,
    servicesLoaded: true,
    selectedServiceId: resolveSelection(sorted, state.selectedServiceId),
    configSnapshots: state.configSnapshots + 1,
  };
}

/**
 * Inserts or replaces one service from a 2xx response. A response can race the `config`
 * push, so an older version never overwrites a newer one.
 */
export function upsertService(state: ServicesSlice, service: ServiceDto): ServicesSlice {
  const existing = state.services.find((s) => s.id === service.id);
  if (existing && existing.version > service.version) return state;
  const services = existing ? state.services.map((s) => (s.id === service.id ? service : s)) : [...state.services, service].sort(byId);
  return { ...state, services, servicesLoaded: true };
}

/** Drops a deleted service and moves the selection if needed. */
export function removeService(state: ServicesSlice, serviceId: number): ServicesSlice {
  const services = state.services.filter((s) => s.id !== serviceId);
  return { ...state, services, selectedServiceId: resolveSelection(services, state.selectedServiceId) };
}

/** Inserts or replaces one backend inside its service (POST/PATCH backend responses). */
export function upsertBackend(state: ServicesSlice, backend: BackendDto): ServicesSlice {
  const services = state.services.map((service) => {
    if (service.id !== backend.serviceId) return service;
    const has = service.backends.some((b) => b.id === backend.id);
    const backends = has ? service.backends.map((b) => (b.id === backend.id ? backend : b)) : [...service.backends, backend].sort(byId);
    return { ...service, backends };
  });
  return { ...state, services };
}

/** Drops a removed backend from its service's config (its stats may linger while it drains). */
export function removeBackend(state: ServicesSlice, serviceId: number, backendId: number): ServicesSlice {
  const services = state.services.map((service) =>
    service.id === serviceId ? { ...service, backends: service.backends.filter((b) => b.id !== backendId) } : service,
  );
  return { ...state, services };
}
