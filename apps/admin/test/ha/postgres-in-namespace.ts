// A real PostgreSQL 15 inside a lab namespace, listening on that namespace's address, for the
// shared store of an HA pair. The same approach as e2e/fixtures/postgres-server.ts: initdb and
// postgres refuse to run as root, so they run as the `postgres` user (setpriv after
// `ip netns exec`, which itself needs root), with a cluster in a temp directory it owns, trust
// authentication for the lab's /24 only, and fsync off.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runIn, spawnIn, type NsProcess } from './ns-process.ts';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const PORT = 5432;

/** A running PostgreSQL in a namespace; `url` is what a node passes to `--store`. */
export interface NamespacePostgres {
  readonly url: string;
  readonly process: NsProcess;
  /** Runs one SQL statement with psql from namespace `ns` (a client host) and returns its output. */
  query(ns: string, sql: string): string;
  /** Fast shutdown (SIGINT) by PID, SIGKILL if it hangs; removes the cluster. */
  stop(): Promise<void>;
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * initdb + postgres in namespace `ns` on `address`:5432, trusting clients from `clientCidr`;
 * resolves once pg_isready says it accepts connections.
 */
export async function startPostgresInNamespace(ns: string, address: string, clientCidr: string): Promise<NamespacePostgres> {
  const user = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-ha-pg-'));
  chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  let proc: NsProcess | undefined;
  const stop = async () => {
    try {
      await proc?.stop('SIGINT', 10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    execFileSync(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], { ...user, cwd: dir, stdio: 'pipe', timeout: 60_000 });
    appendFileSync(join(data, 'pg_hba.conf'), `host all all ${clientCidr} trust\n`);
    const asPostgres = ['--reuid', String(user.uid), '--regid', String(user.gid), '--clear-groups'];
    const settings = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100'];
    proc = spawnIn(ns, 'postgres', 'setpriv', [...asPostgres, join(BIN, 'postgres'), '-D', data, '-h', address, '-p', String(PORT), '-k', dir, ...settings], { cwd: dir });
    await waitReady(ns, address, proc);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `postgres://postgres@${address}:${PORT}/postgres`;
  return { url, process: proc, stop, query: (clientNs, sql) => runIn(clientNs, join(BIN, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql]).trim() };
}

async function waitReady(ns: string, address: string, proc: NsProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exited()) throw new Error(`postgres exited:\n${proc.output()}`);
    try {
      runIn(ns, join(BIN, 'pg_isready'), ['-q', '-h', address, '-p', String(PORT), '-t', '1']);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`postgres on ${address}:${PORT} not ready after 30 s:\n${proc.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
