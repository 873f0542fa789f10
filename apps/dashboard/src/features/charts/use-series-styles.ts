import { useMemo } from 'react';
import { seriesStyle, type SeriesStyle } from '../../lib/colors.ts';
import { assignSlots } from '../../lib/series-slots.ts';
import { useAppStore } from '../../store/app-store.ts';
import type { AppState } from '../../store/app-store.ts';
import { selectTheme } from '../../store/theme-slice.ts';
import type { HistoryPoint } from '../../store/stats-slice.ts';

/** The slots each service's backends hold in this session (see series-slots.ts). */
const slotsByService = new Map<number, Map<number, number>>();

function addHistoryIds(ids: Set<number>, points: readonly HistoryPoint[], serviceId: number): void {
  for (const point of points) for (const id of Object.keys(point.services[serviceId]?.backends ?? {})) ids.add(Number(id));
}

/** Every backend id the console knows for a service: configured, live, or in a chart history. */
function knownIdsKey(s: AppState, serviceId: number): string {
  const ids = new Set<number>();
  for (const b of s.services.find((x) => x.id === serviceId)?.backends ?? []) ids.add(b.id);
  for (const b of s.latest?.services.find((x) => x.id === serviceId)?.backends ?? []) ids.add(b.id);
  addHistoryIds(ids, s.history.toArray(), serviceId);
  if (s.frozenHistory) addHistoryIds(ids, s.frozenHistory, serviceId);
  return [...ids].sort((a, b) => a - b).join(',');
}

/**
 * Backend id → style for one service in the theme shown, shared by the table swatches, the legend
 * and the charts: up to 16 backends never share a style, and a backend keeps its slot while it is known.
 */
export function useSeriesStyles(serviceId: number): ReadonlyMap<number, SeriesStyle> {
  // A string, so the component re-renders only when the set of known backends changes.
  const key = useAppStore((s) => knownIdsKey(s, serviceId));
  // Each theme has its own palette; a backend keeps its slot across a theme switch.
  const theme = useAppStore(selectTheme);
  return useMemo(() => {
    const ids = key === '' ? [] : key.split(',').map(Number);
    const slots = assignSlots(slotsByService.get(serviceId) ?? new Map(), ids);
    slotsByService.set(serviceId, slots);
    return new Map([...slots].map(([id, slot]) => [id, seriesStyle(slot, theme)]));
  }, [serviceId, key, theme]);
}

/** The style for an id missing from the map (never expected; keeps rendering total). */
export const FALLBACK_STYLE: SeriesStyle = seriesStyle(0);
