import { useEffect, useState } from 'react';
import type { HistoryDto, HistoryRange } from '@fulcrum/shared/history';
import { errorMessage } from '../../lib/api-client.ts';
import { fetchHistory } from './history-api.ts';

/** Stored history is reloaded this often while a range is shown (a new 10 s point each time). */
export const HISTORY_REFRESH_MS = 10_000;

export interface HistoryState<T extends HistoryDto = HistoryDto> {
  data: T | null;
  error: string | null;
  loading: boolean;
}

/**
 * Loads `range` of the service's history (null: nothing, the live view is shown) and keeps it
 * fresh; `fetcher` fetches it (default this node's; keep it stable, a new one reloads).
 */
export function useHistory<T extends HistoryDto = HistoryDto>(
  serviceId: number,
  range: HistoryRange | null,
  fetcher: (serviceId: number, range: HistoryRange) => Promise<T> = fetchHistory as (serviceId: number, range: HistoryRange) => Promise<T>,
): HistoryState<T> {
  const [state, setState] = useState<HistoryState<T>>({ data: null, error: null, loading: false });
  useEffect(() => {
    if (range === null) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({ data: null, error: null, loading: true });
    const load = async () => {
      try {
        const data = await fetcher(serviceId, range);
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
  }, [serviceId, range, fetcher]);
  return state;
}
