// The console's one store. Slices hold data only; the functions that change it live at module
// level in actions.ts so the WebSocket handler can call them without hooks.
import { create } from 'zustand';
import { initialClusterSlice, type ClusterSlice } from './cluster-slice.ts';
import { initialConnectionSlice, type ConnectionSlice } from './connection-slice.ts';
import { initialEventsSlice, type EventsSlice } from './events-slice.ts';
import { initialServicesSlice, type ServicesSlice } from './services-slice.ts';
import { initialSessionSlice, type SessionSlice } from './session-slice.ts';
import { createStatsSlice, type StatsSlice } from './stats-slice.ts';
import { initialThemeSlice, type ThemeSlice } from './theme-slice.ts';
import { initialUiSlice, type UiSlice } from './ui-slice.ts';

export type AppState = SessionSlice & ServicesSlice & StatsSlice & EventsSlice & ConnectionSlice & ClusterSlice & UiSlice & ThemeSlice;

/** Every slice at its starting value (a fresh stats history each time). */
export function initialAppState(): AppState {
  return {
    ...initialSessionSlice,
    ...initialServicesSlice,
    ...createStatsSlice(),
    ...initialEventsSlice,
    ...initialConnectionSlice,
    ...initialClusterSlice,
    ...initialUiSlice,
    ...initialThemeSlice(),
  };
}

/** The store hook. Select narrowly: `useAppStore((s) => s.x)`, or `useShallow` for several fields. */
export const useAppStore = create<AppState>()(() => initialAppState());
