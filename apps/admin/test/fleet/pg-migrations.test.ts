// One migration history, two dialects: after the last step, SQLite and PostgreSQL hold the same
// tables with the same columns, so a row read from one can be written to the other.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { MIGRATIONS, migrate } from '../../src/store/migrations.ts';
import { PG_MIGRATIONS, migrateShared } from '../../src/fleet/pg-migrations.ts';
import { REPLICATED_TABLES } from '../../src/store/replica.ts';
import { openDatabase } from '../../src/store/retained-database.ts';
import { PostgresServer, createDatabase } from './harness.ts';

let pgServer: PostgresServer;

beforeAll(async () => {
  pgServer = await PostgresServer.start();
}, 60_000);

afterAll(async () => {
  await pgServer?.stop();
});

/** The shared store's own bookkeeping, which a single node does not need. */
const CLUSTER_ONLY = new Set(['fulcrum_cluster', 'fulcrum_nodes', 'fulcrum_schema']);

it('both histories have the same steps and end in the same tables and columns', async () => {
  expect(PG_MIGRATIONS).toHaveLength(MIGRATIONS.length);
  const sqlite = openDatabase(':memory:');
  migrate(sqlite);
  const sqliteTables = Object.fromEntries(
    sqlite
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all()
      .map(({ name }) => [name, sqlite.prepare<[], { name: string }>(`PRAGMA table_info(${name})`).all().map((c) => c.name).sort()]),
  );
  sqlite.close();

  const client = new pg.Client({ connectionString: await createDatabase(pgServer) });
  await client.connect();
  try {
    expect(await migrateShared(client)).toBe(MIGRATIONS.length);
    // Running it again is a no-op.
    expect(await migrateShared(client)).toBe(MIGRATIONS.length);
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name",
    );
    const pgTables: Record<string, string[]> = {};
    for (const r of rows) if (!CLUSTER_ONLY.has(r.table_name)) (pgTables[r.table_name] ??= []).push(r.column_name);
    expect(pgTables).toEqual(sqliteTables);
    // The replicated column lists name exactly the tables' columns.
    for (const [table, columns] of Object.entries(REPLICATED_TABLES)) expect([...columns].sort()).toEqual(sqliteTables[table]);
  } finally {
    await client.end();
  }
});
