import type { HistoryDto, HistoryRange } from '@fulcrum/shared/history';
import { api } from '../../lib/api-client.ts';

/** GET /api/services/:id/history: recorded metrics and the events to mark, for one range; `node`: another cluster node's. */
export function fetchHistory(serviceId: number, range: HistoryRange, node?: string): Promise<HistoryDto> {
  const other = node === undefined ? '' : `&node=${encodeURIComponent(node)}`;
  return api.get<HistoryDto>(`/services/${serviceId}/history?range=${range}${other}`);
}
