// The history database: a small SQLite file of its own next to the configuration (history.db in
// the data directory), written only by the history worker thread. Two resolutions in one table:
// `res` = the bucket (10 s) and the coarse bucket (60 s). Each bucket is written at both at once
// (the coarse row is an upsert that merges buckets), so downsampling never needs a pass of its own,
// and retention is plain deletion in bounded batches.
import { openDatabase } from '../store/retained-database.ts';
import type { Database as Db } from 'better-sqlite3';
import type { HistoryBucket, HistoryRow } from './history-row.ts';

/** The history file inside a data directory. */
export const HISTORY_FILE = 'history.db';

/** How long each resolution is kept. */
export interface HistoryRetention {
  /** Fine (bucket) points, ms (default 24 h). */
  fineMs: number;
  /** Coarse points, ms (default 7 days). */
  coarseMs: number;
}

export const HISTORY_RETENTION_DEFAULTS: HistoryRetention = { fineMs: 24 * 60 * 60_000, coarseMs: 7 * 24 * 60 * 60_000 };

/** Rows deleted per retention pass at most: a pass is a short transaction whatever the backlog. */
export const RETAIN_BATCH = 5000;

const SCHEMA_VERSION = 1;

// WITHOUT ROWID: the primary key is the table (no second b-tree). Key order serves the one read
// (one service, one resolution, a time range, all its series) as one contiguous range.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS samples (
    service_id INTEGER NOT NULL,
    res        INTEGER NOT NULL, -- slot length, ms
    t          INTEGER NOT NULL, -- slot start, ms since the epoch
    backend_id INTEGER NOT NULL, -- 0: the service itself
    span       INTEGER NOT NULL, -- ms of the slot that were sampled
    active     REAL    NOT NULL,
    new_conns  INTEGER NOT NULL,
    bytes_in   INTEGER NOT NULL,
    bytes_out  INTEGER NOT NULL,
    rejected   INTEGER NOT NULL,
    failures   INTEGER NOT NULL,
    up         REAL    NOT NULL,
    down       REAL    NOT NULL,
    PRIMARY KEY (service_id, res, t, backend_id)
  ) WITHOUT ROWID;
`;

/** Opens (creating) the history file. NORMAL sync: a power cut may lose the last buckets, never the configuration (another file). */
export function openHistoryDb(file: string): Db {
  // Kept for the process's life (retained-database.ts): a collected statement aborts Node 24.
  const db = openDatabase(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 2000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`history.db schema ${version} is newer than this fulcrum knows (${SCHEMA_VERSION})`);
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** A slot of the query: sums and span-weighted means of the stored points in it. */
export interface SlotRow {
  backendId: number;
  slot: number;
  span: number;
  active: number;
  newConns: number;
  bytesIn: number;
  bytesOut: number;
  rejected: number;
  failures: number;
  up: number;
  down: number;
}

/** What to read: one service's points of resolution `res` in [from, to), grouped into `stepMs` slots. */
export interface SlotQuery {
  serviceId: number;
  res: number;
  from: number;
  to: number;
  stepMs: number;
}

/** The statements over one history database. */
export class HistoryDb {
  readonly #db: Db;
  readonly #upsert;
  readonly #nextService;
  readonly #retainOne;
  readonly #slots;

  constructor(db: Db) {
    this.#db = db;
    // Merging: a bucket written twice (a restart within it) or the buckets of a coarse slot add up.
    this.#upsert = db.prepare(`
      INSERT INTO samples (service_id, res, t, backend_id, span, active, new_conns, bytes_in, bytes_out, rejected, failures, up, down)
      VALUES (@serviceId, @res, @t, @backendId, @span, @active, @newConns, @bytesIn, @bytesOut, @rejected, @failures, @up, @down)
      ON CONFLICT (service_id, res, t, backend_id) DO UPDATE SET
        active    = (active * span + excluded.active * excluded.span) / (span + excluded.span),
        up        = (up * span + excluded.up * excluded.span) / (span + excluded.span),
        down      = (down * span + excluded.down * excluded.span) / (span + excluded.span),
        new_conns = new_conns + excluded.new_conns,
        bytes_in  = bytes_in + excluded.bytes_in,
        bytes_out = bytes_out + excluded.bytes_out,
        rejected  = rejected + excluded.rejected,
        failures  = failures + excluded.failures,
        span      = min(res, span + excluded.span)`);
    this.#nextService = db.prepare<[number], { id: number }>('SELECT service_id AS id FROM samples WHERE service_id > ? ORDER BY service_id LIMIT 1');
    this.#retainOne = db.prepare<[number, number, number, number, number, number]>(`
      DELETE FROM samples WHERE (service_id, res, t, backend_id) IN (
        SELECT service_id, res, t, backend_id FROM samples WHERE service_id = ? AND res = ? AND t < ? LIMIT ?)
      AND service_id = ? AND res = ?`);
    this.#slots = db.prepare<[number, number, number, number, number], SlotRow>(`
      SELECT backend_id AS backendId, t - (t % ?) AS slot, sum(span) AS span,
             sum(active * span) / sum(span) AS active,
             sum(new_conns) AS newConns, sum(bytes_in) AS bytesIn, sum(bytes_out) AS bytesOut,
             sum(rejected) AS rejected, sum(failures) AS failures,
             sum(up * span) / sum(span) AS up, sum(down * span) / sum(span) AS down
      FROM samples WHERE service_id = ? AND res = ? AND t >= ? AND t < ?
      GROUP BY backend_id, slot ORDER BY backend_id, slot`);
  }

  /** Writes one bucket at both resolutions, in one transaction. */
  write(bucket: HistoryBucket, bucketMs: number, coarseMs: number): void {
    const coarseT = Math.floor(bucket.t / coarseMs) * coarseMs;
    this.#db.transaction((rows: HistoryRow[]) => {
      for (const row of rows) {
        if (row.span <= 0) continue;
        this.#upsert.run({ ...row, res: bucketMs });
        this.#upsert.run({ ...row, res: coarseMs, t: coarseT });
      }
    })(bucket.rows);
  }

  /**
   * Deletes points older than the retention, at most `budget` rows in this call (one transaction);
   * returns how many went. Called after every write, so the backlog is normally one bucket.
   */
  retain(now: number, keep: { res: number; keepMs: number }[], budget = RETAIN_BATCH): number {
    return this.#db.transaction(() => {
      let deleted = 0;
      for (let service = this.#nextService.get(-1); service && deleted < budget; service = this.#nextService.get(service.id)) {
        for (const { res, keepMs } of keep) {
          if (deleted >= budget) break;
          deleted += this.#retainOne.run(service.id, res, now - keepMs, budget - deleted, service.id, res).changes;
        }
      }
      return deleted;
    })();
  }

  /** The slots of one service in a range, every series, ordered by series then time. */
  slots(q: SlotQuery): SlotRow[] {
    return this.#slots.all(q.stepMs, q.serviceId, q.res, q.from, q.to);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
