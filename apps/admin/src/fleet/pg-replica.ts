// The PostgreSQL side of the replicated tables (see store/replica.ts): read the cluster's
// configuration at its version, write a new version, and the audit events that go with it.
import type pg from 'pg';
import type { EventDto } from '@fulcrum/shared/api';
import type { EventRow } from '../store/events-repo.ts';
import { REPLICATED_TABLES, REPLICATED_TABLE_NAMES } from '../store/replica.ts';
import type { ReplicatedState, ReplicatedTable, Row, Sequences } from '../store/replica.ts';

/** The NOTIFY channel: the payload is the new configuration version. */
export const CONFIG_CHANNEL = 'fulcrum_config';

interface ClusterRow {
  version: number;
  services_seq: number;
  backends_seq: number;
  tokens_seq: number;
}

function sequencesOf(row: ClusterRow): Sequences {
  return { services: row.services_seq, backends: row.backends_seq, tokens: row.tokens_seq };
}

/** The cluster's configuration version; `lock` holds the row until the transaction ends. */
export async function readClusterVersion(client: pg.ClientBase, lock = false): Promise<{ version: number; sequences: Sequences }> {
  const row = (await client.query<ClusterRow>(`SELECT version, services_seq, backends_seq, tokens_seq FROM fulcrum_cluster WHERE id = 1${lock ? ' FOR UPDATE' : ''}`)).rows[0];
  if (!row) throw new Error('the shared store has no fulcrum_cluster row (not migrated?)');
  return { version: row.version, sequences: sequencesOf(row) };
}

/** Every replicated row (call inside a transaction that already read the version). */
export async function readSharedRows(client: pg.ClientBase): Promise<Record<ReplicatedTable, Row[]>> {
  const rows = {} as Record<ReplicatedTable, Row[]>;
  for (const table of REPLICATED_TABLE_NAMES) {
    rows[table] = (await client.query<Row>(`SELECT ${REPLICATED_TABLES[table].join(', ')} FROM ${table} ORDER BY id`)).rows;
  }
  return rows;
}

/** A consistent snapshot of the shared configuration (one REPEATABLE READ transaction). */
export async function readSharedState(client: pg.ClientBase): Promise<ReplicatedState> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const { version, sequences } = await readClusterVersion(client);
    const rows = await readSharedRows(client);
    await client.query('COMMIT');
    return { version, sequences, rows };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/**
 * Writes `state` as the cluster's new configuration (inside the caller's transaction, which
 * holds the fulcrum_cluster row): tables rewritten whole, sequences and version raised, and a
 * NOTIFY that every node receives when the transaction commits.
 */
export async function writeSharedState(client: pg.ClientBase, state: ReplicatedState): Promise<void> {
  // Children first on delete, parents first on insert.
  await client.query('DELETE FROM backends');
  await client.query('DELETE FROM services');
  await client.query('DELETE FROM tokens');
  for (const table of REPLICATED_TABLE_NAMES) {
    if (state.rows[table].length === 0) continue;
    const columns = REPLICATED_TABLES[table].join(', ');
    await client.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${table}, $1)`, [JSON.stringify(state.rows[table])]);
  }
  const s = state.sequences;
  await client.query(
    `UPDATE fulcrum_cluster SET version = $1, services_seq = GREATEST(services_seq, $2), backends_seq = GREATEST(backends_seq, $3),
       tokens_seq = GREATEST(tokens_seq, $4), updated_at = now() WHERE id = 1`,
    [state.version, s.services, s.backends, s.tokens],
  );
  await client.query('SELECT pg_notify($1, $2)', [CONFIG_CHANNEL, String(state.version)]);
}

/** Appends audit events to the shared log (inside the change's transaction). */
export async function insertSharedEvents(client: pg.ClientBase, node: string, events: readonly EventDto[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    time: e.time,
    kind: e.kind,
    actor: e.actor,
    service_id: e.serviceId,
    backend_id: e.backendId,
    message: e.message,
    details: JSON.stringify(e.details),
    node,
  }));
  await client.query(
    `INSERT INTO events (time, kind, actor, service_id, backend_id, message, details, node)
     SELECT time, kind, actor, service_id, backend_id, message, details, node FROM json_populate_recordset(NULL::events, $1)`,
    [JSON.stringify(rows)],
  );
}

/** A shared event made on another node, to copy into this node's log. */
export type SharedEvent = EventRow & { node: string | null };

/** Audit events recorded by other nodes after shared event `afterId` (at most `limit`, oldest first). */
export async function readOtherNodesEvents(client: pg.ClientBase, node: string, afterId: number, limit = 1000): Promise<SharedEvent[]> {
  const { rows } = await client.query<SharedEvent>(
    `SELECT * FROM (SELECT id, time, kind, actor, service_id, backend_id, message, details, node FROM events
       WHERE id > $1 AND node IS DISTINCT FROM $2 ORDER BY id DESC LIMIT $3) newest ORDER BY id`,
    [afterId, node, limit],
  );
  return rows;
}

/** The newest shared event id (0: none). */
export async function lastSharedEventId(client: pg.ClientBase): Promise<number> {
  return (await client.query<{ id: number | null }>('SELECT max(id) AS id FROM events')).rows[0]?.id ?? 0;
}
