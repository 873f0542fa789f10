// A real PostgreSQL 15 primary and a streaming standby made from it with `pg_basebackup -R`, on
// loopback, run as the `postgres` user (initdb refuses root) in a temp directory. Authentication
// from 127.0.0.1: `postgres` trusted (test setup and client load), `checker` by SCRAM-SHA-256 and
// `checker_md5` by md5 — each with a password, so both login methods of the check are exercised.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { deadPort } from '../helpers.ts';

const BIN = '/usr/lib/postgresql/15/bin';
export const SCRAM_LOGIN = { user: 'checker', password: 'scram pw 1', database: 'postgres' } as const;
export const MD5_LOGIN = { user: 'checker_md5', password: 'md5 pw 2', database: 'postgres' } as const;

const HBA = `local all all trust
host replication postgres 127.0.0.1/32 trust
host all postgres 127.0.0.1/32 trust
host all checker 127.0.0.1/32 scram-sha-256
host all checker_md5 127.0.0.1/32 md5
`;

/** One running postgres. */
export interface PgNode {
  readonly port: number;
  /** Runs SQL as `postgres` (trusted) on a new connection. */
  query(sql: string): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

/** Whether this machine can run the fixture: root with a `postgres` user and PostgreSQL 15 installed. */
export function postgresUser(): { uid: number; gid: number } | undefined {
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0 || gid.status !== 0 || process.getuid?.() !== 0) return undefined;
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(user: { uid: number; gid: number }, cmd: string, args: string[]): void {
  const r = spawnSync(join(BIN, cmd), args, { ...user, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
}

async function startNode(user: { uid: number; gid: number }, dir: string, data: string): Promise<PgNode> {
  const port = await deadPort();
  const child: ChildProcess = spawn(
    join(BIN, 'postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'password_encryption=scram-sha-256'],
    { ...user, stdio: 'ignore' },
  );
  const query = async (sql: string) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      return await client.query(sql);
    } finally {
      await client.end().catch(() => {});
    }
  };
  const node: PgNode = {
    port,
    query,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGQUIT'); // immediate shutdown: the postmaster takes its children down
      await exited;
    },
  };
  for (let i = 0; ; i++) {
    try {
      await query('SELECT 1');
      return node;
    } catch (err) {
      if (i > 300 || child.exitCode !== null) {
        await node.stop();
        throw err;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A primary with the two check users and a `writes` table, and a streaming standby of it. */
export async function startPostgresPair(user: { uid: number; gid: number }): Promise<{ primary: PgNode; standby: PgNode; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-roles-pg-'));
  chownSync(dir, user.uid, user.gid);
  const nodes: PgNode[] = [];
  const cleanup = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const primaryData = join(dir, 'primary');
    run(user, 'initdb', ['-D', primaryData, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions']);
    writeFileSync(join(primaryData, 'pg_hba.conf'), HBA);
    const primary = await startNode(user, dir, primaryData);
    nodes.push(primary);
    await primary.query(`CREATE ROLE ${SCRAM_LOGIN.user} LOGIN PASSWORD '${SCRAM_LOGIN.password}'`);
    await primary.query(`SET password_encryption = 'md5'; CREATE ROLE ${MD5_LOGIN.user} LOGIN PASSWORD '${MD5_LOGIN.password}'`);
    await primary.query('CREATE TABLE writes (id int PRIMARY KEY)');
    const standbyData = join(dir, 'standby');
    run(user, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', standbyData, '-R', '-X', 'stream', '--no-sync']);
    const standby = await startNode(user, dir, standbyData);
    nodes.push(standby);
    return { primary, standby, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
