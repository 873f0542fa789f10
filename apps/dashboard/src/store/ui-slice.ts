// View state shared by several features: which page the main area shows, chart pause and
// transient notifications.
import type { HistoryPoint } from './stats-slice.ts';

export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
}

/** What the main area shows: every service (the landing view), the selected service, the cluster's nodes, or the whole event log. */
export type MainView = 'overview' | 'service' | 'cluster' | 'events';

export interface UiSlice {
  view: MainView;
  /** Charts stop following the stream while paused; the history keeps recording. */
  chartsPaused: boolean;
  /** What the charts show while paused. */
  frozenHistory: HistoryPoint[] | null;
  toasts: Toast[];
}

export const initialUiSlice: UiSlice = { view: 'overview', chartsPaused: false, frozenHistory: null, toasts: [] };

/** At most this many toasts at once; the oldest go first. */
export const MAX_TOASTS = 4;
