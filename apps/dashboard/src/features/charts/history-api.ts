import type { HistoryDto, HistoryRange } from '@fulcrum/shared/history';
import { api } from '../../lib/api-client.ts';

/** GET /api/services/:id/history: recorded metrics and the events to mark, for one range. */
export function fetchHistory(serviceId: number, range: HistoryRange): Promise<HistoryDto> {
  return api.get<HistoryDto>(`/services/${serviceId}/history?range=${range}`);
}
