// View state shared by several features: which page the main area shows, which node(s) it shows,
// chart pause and transient notifications.
import type { NodeHistory } from './node-history.ts';
import type { HistoryPoint } from './stats-slice.ts';

/** The node scope that means every node at once. */
export const WHOLE_CLUSTER = '*';

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
  /**
   * With several nodes: WHOLE_CLUSTER or a node name. One value for the overview and the service
   * charts, so both show the scope the operator picked last, wherever they picked it.
   */
  nodeScope: string;
  /** Charts stop following the stream while paused; the history keeps recording. */
  chartsPaused: boolean;
  /** What the charts show while paused. */
  frozenHistory: HistoryPoint[] | null;
  /** The other nodes' chart points while paused. */
  frozenNodeHistory: NodeHistory | null;
  toasts: Toast[];
}

export const initialUiSlice: UiSlice = { view: 'overview', nodeScope: WHOLE_CLUSTER, chartsPaused: false, frozenHistory: null, frozenNodeHistory: null, toasts: [] };

/** At most this many toasts at once; the oldest go first. */
export const MAX_TOASTS = 4;
