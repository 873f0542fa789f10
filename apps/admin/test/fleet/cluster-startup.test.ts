// Starting a cluster node: what it refuses (one line, exit code 2) and what it survives.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, StartupError } from '../../src/server.ts';
import { runSubcommand } from '../../src/commands/run-command.ts';
import { parseStoreUrl } from '../../src/fleet/store-url.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { freePort, startApp, TOKEN } from '../helpers.ts';
import { PostgresServer, createDatabase, query, removeNodeDirs, requirePassword, startNode } from './harness.ts';
import { tempDir } from '../helpers.ts';

let pgServer: PostgresServer;

beforeAll(async () => {
  pgServer = await PostgresServer.start();
}, 60_000);

afterAll(async () => {
  await pgServer?.stop();
  removeNodeDirs();
});

async function refusal(opts: { store?: string; dir?: string }): Promise<StartupError> {
  const temp = opts.dir ? undefined : tempDir('fulcrum-refused-');
  try {
    const server = await startServer({
      admin: { host: '127.0.0.1', port: 0 },
      dataDir: opts.dir ?? temp!.dir,
      adminToken: TOKEN,
      logLevel: 'silent',
      ...(opts.store ? { store: parseStoreUrl(opts.store) } : {}),
    });
    await server.close();
  } catch (err) {
    expect(err).toBeInstanceOf(StartupError);
    return err as StartupError;
  } finally {
    temp?.remove();
  }
  throw new Error('the node started');
}

describe('a node refuses to start, with one line and exit code 2', () => {
  it('an unreachable store and no local copy', async () => {
    const err = await refusal({ store: `postgres://postgres@127.0.0.1:${await freePort()}/nothing` });
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^--store postgres:\/\/postgres@127\.0\.0\.1:\d+\/nothing: cannot reach PostgreSQL \(ECONNREFUSED\), and .* holds no local copy to start from$/);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('a wrong password, named as such, without the password in the message', async () => {
    await requirePassword(pgServer, 'fulcrum_pw', 'right-secret');
    const err = await refusal({ store: `postgres://fulcrum_pw:wrong-secret@127.0.0.1:${pgServer.port}/postgres` });
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/authentication failed/);
    expect(err.message).not.toMatch(/wrong-secret/);
    expect(err.message).toMatch(/fulcrum_pw:\*\*\*@/);
  });

  it('a database that does not exist', async () => {
    const err = await refusal({ store: `postgres://postgres@127.0.0.1:${pgServer.port}/no_such_db` });
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/database "no_such_db" does not exist/);
  });

  it('a shared schema newer than this fulcrum knows', async () => {
    const url = await createDatabase(pgServer);
    const n = await startNode({ url, name: 'first' });
    await n.stop();
    await query(url, 'UPDATE fulcrum_schema SET version = 99');
    const err = await refusal({ store: url });
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/schema is version 99, newer than this fulcrum knows/);
  });

  it('a single node\'s SQLite data directory started as a cluster node, and a cluster node\'s local copy started without --store', async () => {
    const single = await startApp();
    const listen = `127.0.0.1:${await freePort()}`;
    expect((await single.app.inject({ method: 'POST', url: '/api/services', headers: { authorization: `Bearer ${TOKEN}` }, payload: { name: 'x', listen, healthCheck: { type: 'none' } } })).statusCode).toBe(201);
    await single.close({ keepDir: true });
    const url = await createDatabase(pgServer);
    const asNode = await refusal({ store: url, dir: single.dir }).finally(() => rmSync(single.dir, { recursive: true, force: true }));
    expect(asNode.exitCode).toBe(2);
    expect(asNode.message).toMatch(/holds a single node's configuration \(SQLite\); a cluster node needs a data directory of its own/);

    const node = await startNode({ url, name: 'n1' });
    await node.stop();
    const asSingle = await refusal({ dir: node.dir });
    expect(asSingle.exitCode).toBe(2);
    // Local commands that would write the copy refuse too; export reads it.
    expect(await runSubcommand(['token', 'create', 'local', '--data', node.dir], {})).toBe(2);
    expect(await runSubcommand(['token', 'list', '--data', node.dir], {})).toBe(0);
    expect(asSingle.message).toMatch(/is the local copy of a cluster node \(--store postgres:\/\/postgres@127\.0\.0\.1:\d+\/fulcrum_\d+_\d+\); start it with --store/);
  });
});

describe('nodes starting together', () => {
  it('migrate the shared schema once and agree on it', async () => {
    const url = await createDatabase(pgServer);
    const nodes = await Promise.all(['p', 'q', 'r'].map((name) => startNode({ url, name })));
    try {
      expect((await query<{ version: number }>(url, 'SELECT version FROM fulcrum_schema'))[0]?.version).toBe(MIGRATIONS.length);
      // One admin token for the cluster, whichever node created it.
      expect(await query(url, "SELECT name FROM tokens WHERE name = 'admin'")).toHaveLength(1);
      for (const n of nodes) expect((await n.api('GET', '/api/services')).status).toBe(200);
    } finally {
      for (const n of nodes) await n.stop();
    }
  });
});
