import { useEffect, useState } from 'react';
import type { HistoryDto, HistoryRange } from '@fulcrum/shared/history';
import { errorMessage } from '../../lib/api-client.ts';
import { fetchHistory } from './history-api.ts';

/** Stored history is reloaded this often while a range is shown (a new 10 s point each time). */
export const HISTORY_REFRESH_MS = 10_000;

export interface HistoryState {
  data: HistoryDto | null;
  error: string | null;
  loading: boolean;
}

/** Loads `range` of the service's history (null: nothing, the live view is shown) and keeps it fresh. */
export function useHistory(serviceId: number, range: HistoryRange | null): HistoryState {
  const [state, setState] = useState<HistoryState>({ data: null, error: null, loading: false });
  useEffect(() => {
    if (range === null) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({ data: null, error: null, loading: true });
    const load = async () => {
      try {
        const data = await fetchHistory(serviceId, range);
        if (!stopped) setState({ data, error: null, loading: false });
      } catch (err) {
        // Keep the last answer on screen; say why it is not refreshing.
        if (!stopped) setState((s) => ({ data: s.data, error: errorMessage(err), loading: false }));
      }
      if (!stopped) timer = setTimeout(() => void load(), HISTORY_REFRESH_MS);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [serviceId, range]);
  return state;
}
