// View state shared by several features: chart pause and transient notifications.
import type { HistoryPoint } from './stats-slice.ts';

export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
}

export interface UiSlice {
  /** Charts stop following the stream while paused; the history keeps recording. */
  chartsPaused: boolean;
  /** What the charts show while paused. */
  frozenHistory: HistoryPoint[] | null;
  toasts: Toast[];
}

export const initialUiSlice: UiSlice = { chartsPaused: false, frozenHistory: null, toasts: [] };

/** At most this many toasts at once; the oldest go first. */
export const MAX_TOASTS = 4;
