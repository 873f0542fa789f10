// Selector factories shared by several components. Each returns a narrow slice of state so a
// component re-renders only when what it shows changes.
import type { ServiceDto, ServiceStatsDto } from '@fulcrum/shared/api';
import type { AppState } from './app-store.ts';
import type { ServiceRates } from './stats-slice.ts';
import { isStale } from './connection-slice.ts';

export const serviceById =
  (id: number | null) =>
  (s: AppState): ServiceDto | undefined =>
    id == null ? undefined : s.services.find((x) => x.id === id);

export const serviceStatsById =
  (id: number | null) =>
  (s: AppState): ServiceStatsDto | undefined =>
    id == null ? undefined : s.latest?.services.find((x) => x.id === id);

export const serviceRatesById =
  (id: number | null) =>
  (s: AppState): ServiceRates | undefined =>
    id == null ? undefined : s.rates[id];

export const selectStale = (s: AppState): boolean => isStale(s.connection);

/** How many nodes share the configuration (0 before the cluster is known). */
export const selectClusterNodeCount = (s: AppState): number => s.cluster?.nodes.length ?? 0;
