// Messages between the admin's main thread (history-writer.ts) and the history worker thread.
import type { HistoryRetention, SlotQuery, SlotRow } from './history-db.ts';
import type { HistoryBucket } from './history-row.ts';

/** Given to the worker at start. */
export interface HistoryWorkerData {
  file: string;
  bucketMs: number;
  coarseMs: number;
  retention: HistoryRetention;
}

export type ToHistoryWorker =
  | { type: 'write'; seq: number; bucket: HistoryBucket; now: number }
  | { type: 'query'; id: number; query: SlotQuery }
  | { type: 'close' };

export type FromHistoryWorker =
  | { type: 'ready' }
  | { type: 'open-failed'; message: string }
  | { type: 'written'; seq: number; retained: number }
  | { type: 'write-failed'; seq: number; message: string }
  | { type: 'result'; id: number; rows: SlotRow[] }
  | { type: 'query-failed'; id: number; message: string };
