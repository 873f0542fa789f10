// The replicated part of the store: the tables every node of a cluster shares (services,
// backends, tokens) and the id counters, as plain rows. With a shared PostgreSQL store
// (fleet/), PostgreSQL holds the authoritative copy and this node's SQLite file is its local
// copy: changes are made here inside a cluster-wide lock, then written there; other nodes read
// them from there into their own local copy. The rows are the tables' columns as stored, so one
// shape serves both databases (fleet/pg-migrations.ts creates the same columns).
import type { Database } from 'better-sqlite3';

/** The replicated tables and their columns, in dependency order (a backend needs its service). */
export const REPLICATED_TABLES = {
  services: [
    'id', 'name', 'host', 'port', 'strategy', 'strategy_options', 'connect_timeout_ms', 'idle_timeout_ms', 'retries',
    'drain_timeout_ms', 'max_queue', 'queue_timeout_ms', 'allow_cidrs', 'deny_cidrs', 'health_check', 'version', 'created_at', 'updated_at', 'agent_check', 'proxy_protocol', 'accept_proxy_from',
    'limits', 'max_connection_lifetime_ms', 'sni',
  ],
  backends: [
    'id', 'service_id', 'host', 'port', 'weight', 'state', 'backup', 'max_connections', 'created_at', 'discover_type', 'min_ttl_ms', 'max_ttl_ms', 'agent_check', 'proxy_protocol',
  ],
  tokens: ['id', 'name', 'hash', 'created_at', 'revoked_at'],
} as const;

export type ReplicatedTable = keyof typeof REPLICATED_TABLES;
export const REPLICATED_TABLE_NAMES = Object.keys(REPLICATED_TABLES) as ReplicatedTable[];

/** One stored row, column → value. */
export type Row = Record<string, string | number | null>;

/** The highest id ever handed out per table (never reused: engine ids and sessions depend on it). */
export type Sequences = Record<ReplicatedTable, number>;

/** Everything the nodes share, at one configuration version. */
export interface ReplicatedState {
  version: number;
  sequences: Sequences;
  rows: Record<ReplicatedTable, Row[]>;
}

/** Settings keys of the local copy. */
export const LOCAL_VERSION_KEY = 'cluster.version';
/** 'postgres' once a data directory is a cluster node's local copy (and the store's URL, password hidden). */
export const STORE_MODE_KEY = 'store.mode';
export const STORE_URL_KEY = 'store.url';

/** True when this data directory is the local copy of a cluster node (its changes belong in PostgreSQL). */
export function isClusterCopy(db: Database): boolean {
  return db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(STORE_MODE_KEY)?.value === 'postgres';
}

/** The configuration version the local copy holds (0: never changed). */
export function localVersion(db: Database): number {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(LOCAL_VERSION_KEY);
  return row ? Number(row.value) : 0;
}

/** Records the configuration version the local copy holds (inside the caller's transaction). */
export function setLocalVersion(db: Database, version: number): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(LOCAL_VERSION_KEY, String(version));
}

/** The id counters of the replicated tables (sqlite_sequence: the highest id ever used). */
export function readSequences(db: Database): Sequences {
  const seq = db.prepare<[string], { seq: number }>('SELECT seq FROM sqlite_sequence WHERE name = ?');
  const out = {} as Sequences;
  for (const table of REPLICATED_TABLE_NAMES) out[table] = seq.get(table)?.seq ?? 0;
  return out;
}

/** The replicated rows of the local copy, ordered by id. */
export function readReplicated(db: Database, version: number): ReplicatedState {
  const rows = {} as Record<ReplicatedTable, Row[]>;
  for (const table of REPLICATED_TABLE_NAMES) {
    rows[table] = db.prepare<[], Row>(`SELECT ${REPLICATED_TABLES[table].join(', ')} FROM ${table} ORDER BY id`).all();
  }
  return { version, sequences: readSequences(db), rows };
}

/**
 * Makes the local copy hold exactly `state` (inside the caller's transaction). Services and
 * backends are rewritten whole; tokens are updated in place so that this node's browser
 * sessions of a token that still exists survive (a deleted token takes its sessions along).
 */
export function writeReplicated(db: Database, state: ReplicatedState): void {
  db.prepare('DELETE FROM backends').run();
  db.prepare('DELETE FROM services').run();
  for (const table of ['services', 'backends'] as const) insertRows(db, table, state.rows[table]);
  const keep = new Set(state.rows.tokens.map((t) => t.id));
  const drop = db.prepare<[number]>('DELETE FROM tokens WHERE id = ?');
  for (const { id } of db.prepare<[], { id: number }>('SELECT id FROM tokens').all()) if (!keep.has(id)) drop.run(id);
  const columns = REPLICATED_TABLES.tokens;
  const upsert = db.prepare(
    `INSERT INTO tokens (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${columns.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}`,
  );
  for (const row of state.rows.tokens) upsert.run(row);
  const setSeq = db.prepare<[number, string]>('UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?');
  const addSeq = db.prepare<[string, number]>('INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE changes() = 0');
  for (const table of REPLICATED_TABLE_NAMES) {
    setSeq.run(state.sequences[table], table);
    addSeq.run(table, state.sequences[table]);
  }
  setLocalVersion(db, state.version);
}

function insertRows(db: Database, table: ReplicatedTable, rows: readonly Row[]): void {
  const columns = REPLICATED_TABLES[table];
  const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  for (const row of rows) insert.run(row);
}
