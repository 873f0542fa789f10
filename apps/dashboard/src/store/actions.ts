// Every state change of the console. Plain functions over the store, callable from React
// handlers, the WebSocket client and tests alike.
import type { BackendDto, EventDto, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { useAppStore, initialAppState, type AppState } from './app-store.ts';
import { fetchedCluster, pushCluster } from './cluster-slice.ts';
import type { ConnectionSlice } from './connection-slice.ts';
import { mergeEvents } from './events-slice.ts';
import * as services from './services-slice.ts';
import { ingestStats } from './stats-slice.ts';
import { MAX_TOASTS, type MainView, type Toast } from './ui-slice.ts';
import { storePreference, type Theme, type ThemePreference } from '../lib/theme.ts';

const get = useAppStore.getState;
const set = useAppStore.setState;

function servicesPart(state: AppState): services.ServicesSlice {
  return {
    services: state.services,
    servicesLoaded: state.servicesLoaded,
    selectedServiceId: state.selectedServiceId,
    configSnapshots: state.configSnapshots,
  };
}

/** Signed in as `actor`. */
export function sessionAuthenticated(actor: string): void {
  set({ session: { status: 'authenticated', actor, notice: null } });
}

/** Signed out or session gone: drop all data (another operator may sign in next); the theme stays. */
export function sessionEnded(notice: string | null = null): void {
  set((s) => ({ ...initialAppState(), themePreference: s.themePreference, systemTheme: s.systemTheme, session: { status: 'anonymous', actor: null, notice } }));
}

/** The header's theme switch: remembered in localStorage ("system" forgets any choice). */
export function setThemePreference(preference: ThemePreference): void {
  storePreference(preference);
  set({ themePreference: preference });
}

/** prefers-color-scheme changed. */
export function systemThemeChanged(theme: Theme): void {
  set({ systemTheme: theme });
}

export function setServices(list: readonly ServiceDto[]): void {
  set((s) => services.replaceServices(servicesPart(s), list));
}

export function serviceSaved(service: ServiceDto): void {
  set((s) => services.upsertService(servicesPart(s), service));
}

/** A service is gone; if it was the page being shown, the overview takes its place. */
export function serviceDeleted(serviceId: number): void {
  set((s) => ({
    ...services.removeService(servicesPart(s), serviceId),
    view: s.view === 'service' && s.selectedServiceId === serviceId ? 'overview' : s.view,
  }));
}

export function backendSaved(backend: BackendDto): void {
  set((s) => services.upsertBackend(servicesPart(s), backend));
}

/**
 * Sends a backend change and applies its answer, unless a configuration snapshot arrived while it
 * was in flight: a backend carries no version, so its answer could otherwise undo a newer change
 * made on another node or in another browser. The push of this change follows anyway.
 */
export async function backendChanged(request: () => Promise<BackendDto>): Promise<BackendDto> {
  const seen = get().configSnapshots;
  const backend = await request();
  if (get().configSnapshots === seen) backendSaved(backend);
  return backend;
}

export function backendDeleted(serviceId: number, backendId: number): void {
  set((s) => services.removeBackend(servicesPart(s), serviceId, backendId));
}

/** Shows a service in the main area (leaving the overview or the cluster view). */
export function selectService(serviceId: number | null): void {
  set((s) => ({ selectedServiceId: services.resolveSelection(s.services, serviceId), view: 'service' }));
}

/** Switches the main area between the overview, the selected service and the cluster view. */
export function showView(view: MainView): void {
  set((s) => (s.view === view ? s : { view }));
}

/** A `cluster` push from the live socket. */
export function clusterPushed(cluster: ClusterDto): void {
  set((s) => pushCluster(s, cluster));
}

/** A GET /api/cluster answer, requested after `pushesAtRequest` pushes (see cluster-slice). */
export function clusterFetched(cluster: ClusterDto, pushesAtRequest: number): void {
  set((s) => fetchedCluster(s, cluster, pushesAtRequest));
}

export function statsReceived(sample: StatsDto): void {
  const patch = ingestStats(get(), sample);
  if (Object.keys(patch).length > 0) set(patch);
}

export function eventsReceived(events: readonly EventDto[], nextBefore?: number | string | null): void {
  set((s) => ({
    events: mergeEvents(s.events, events),
    eventsLoaded: true,
    ...(nextBefore !== undefined ? { eventsNextBefore: nextBefore } : {}),
  }));
}

export function setConnection(patch: Partial<ConnectionSlice['connection']>): void {
  set((s) => ({ connection: { ...s.connection, ...patch } }));
}

/** Pausing freezes what the charts show; the history keeps recording underneath. */
export function setChartsPaused(paused: boolean): void {
  set((s) => ({ chartsPaused: paused, frozenHistory: paused ? s.history.toArray() : null, frozenNodeHistory: paused ? s.nodeHistory : null }));
}

/** Picks what the overview and the service charts show with several nodes: WHOLE_CLUSTER or a node name. */
export function setNodeScope(scope: string): void {
  set((s) => (s.nodeScope === scope ? s : { nodeScope: scope }));
}

let toastSeq = 0;
const TOAST_MS = 6000;

/** Shows a transient notification (action results that have no field to sit next to). */
export function showToast(tone: Toast['tone'], text: string): void {
  const id = ++toastSeq;
  set((s) => ({ toasts: [...s.toasts, { id, tone, text }].slice(-MAX_TOASTS) }));
  setTimeout(() => dismissToast(id), tone === 'error' ? TOAST_MS * 2 : TOAST_MS);
}

export function dismissToast(id: number): void {
  set((s) => (s.toasts.some((t) => t.id === id) ? { toasts: s.toasts.filter((t) => t.id !== id) } : s));
}
