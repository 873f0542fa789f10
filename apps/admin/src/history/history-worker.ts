// The history worker thread: owns history.db, so a slow or failing disk stalls this thread only,
// never the data plane or the API on the main thread. One transaction per bucket, then a bounded
// retention pass.
import { parentPort, workerData } from 'node:worker_threads';
import { HistoryDb, openHistoryDb } from './history-db.ts';
import type { FromHistoryWorker, HistoryWorkerData, ToHistoryWorker } from './history-protocol.ts';

const port = parentPort;
if (!port) throw new Error('history-worker.ts runs only as a worker thread');
const data = workerData as HistoryWorkerData;
const send = (message: FromHistoryWorker) => port.postMessage(message);
const text = (err: unknown) => (err instanceof Error ? err.message : String(err));

let db: HistoryDb | undefined;
try {
  db = new HistoryDb(openHistoryDb(data.file));
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'open-failed', message: text(err) });
}

const keep = [
  { res: data.bucketMs, keepMs: data.retention.fineMs },
  { res: data.coarseMs, keepMs: data.retention.coarseMs },
];

port.on('message', (message: ToHistoryWorker) => {
  switch (message.type) {
    case 'write':
      try {
        if (!db) throw new Error('history.db is not open');
        db.write(message.bucket, data.bucketMs, data.coarseMs);
        send({ type: 'written', seq: message.seq, retained: db.retain(message.now, keep) });
      } catch (err) {
        send({ type: 'write-failed', seq: message.seq, message: text(err) });
      }
      return;
    case 'query':
      try {
        if (!db) throw new Error('history.db is not open');
        send({ type: 'result', id: message.id, rows: db.slots(message.query) });
      } catch (err) {
        send({ type: 'query-failed', id: message.id, message: text(err) });
      }
      return;
    case 'close':
      db?.close();
      db = undefined;
      port.close();
      return;
  }
});
