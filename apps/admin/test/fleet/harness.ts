// Real clusters for tests: one real PostgreSQL (initdb in a temp dir, run as the postgres user),
// a database per test, real nodes started with startServer() — each with its own data dir,
// admin port and --listen-host on 127.0.0.x — and a TCP relay in front of PostgreSQL so a test
// can cut the store off (a network outage) and bring it back while PostgreSQL keeps running.
import net from 'node:net';
import { once } from 'node:events';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { PostgresServer } from '../../../../e2e/fixtures/postgres-server.ts';
import { startServer } from '../../src/server.ts';
import type { RunningServer, ServerOptions } from '../../src/server.ts';
import { parseStoreUrl } from '../../src/fleet/store-url.ts';
import { TOKEN, startEchoServer, tempDir } from '../helpers.ts';
import type { TcpServer } from '../helpers.ts';

export { PostgresServer };

let databases = 0;
const removals: (() => void)[] = [];

const running = new Set<NodeHandle>();

/** Removes every data directory startNode() created. */
export function removeNodeDirs(): void {
  for (const remove of removals.splice(0)) remove();
}

/**
 * For one test file: a real PostgreSQL and an echo backend, started before its tests; after
 * them every node startNode() started is stopped, then the fixtures, and the data dirs go.
 */
export function clusterFixtures(): { readonly pg: PostgresServer; readonly echo: TcpServer } {
  const fixtures = {} as { pg: PostgresServer; echo: TcpServer };
  beforeAll(async () => {
    fixtures.pg = await PostgresServer.start();
    fixtures.echo = await startEchoServer();
  }, 60_000);
  afterAll(async () => {
    for (const node of [...running]) await node.stop().catch(() => {});
    await fixtures.echo?.close();
    await fixtures.pg?.stop();
    removeNodeDirs();
  });
  return fixtures;
}

/** A fresh database on `server`; returns its URL as a node gives it to --store. */
export async function createDatabase(server: PostgresServer, port = server.port): Promise<string> {
  const name = `fulcrum_${process.pid}_${++databases}`;
  const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return `postgres://postgres@127.0.0.1:${port}/${name}`;
}

/** Runs one query against `url` (as the test, not as a node). */
export async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Lets `role` log in only with `password` (scram-sha-256), for the wrong-password case. */
export async function requirePassword(server: PostgresServer, role: string, password: string): Promise<void> {
  const hba = join(server.dataDir, 'pg_hba.conf');
  writeFileSync(hba, `host all ${role} 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, 'utf8')}`);
  const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    await client.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}'`);
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
}

/** A TCP relay to PostgreSQL that a test can cut (every connection reset, no new ones) and restore. */
export class StoreLink {
  readonly #target: number;
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | undefined;
  port = 0;

  private constructor(target: number) {
    this.#target = target;
  }

  static async start(target: number): Promise<StoreLink> {
    const link = new StoreLink(target);
    await link.restore();
    return link;
  }

  /** Accepts and relays again, on the same port. */
  async restore(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect({ host: '127.0.0.1', port: this.#target });
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  /** The outage: stops accepting and resets every relayed connection. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.resetAndDestroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface NodeHandle {
  name: string;
  dir: string;
  server: RunningServer;
  /** The admin base URL, e.g. http://127.0.0.1:41234 */
  admin: string;
  /** An authenticated request to this node's API. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts a node in this process; `dir` reuses a data directory (a restart). */
export async function startNode(opts: { url: string; name: string; listenHost?: string; dir?: string } & Partial<ServerOptions>): Promise<NodeHandle> {
  const temp = opts.dir === undefined ? tempDir('fulcrum-node-') : undefined;
  if (temp) removals.push(temp.remove);
  const dir = opts.dir ?? temp!.dir;
  const { url, name, listenHost, dir: _dir, ...rest } = opts;
  const server = await startServer({
    admin: { host: '127.0.0.1', port: 0 },
    dataDir: dir,
    adminToken: TOKEN,
    store: parseStoreUrl(url),
    nodeName: name,
    ...(listenHost !== undefined ? { listenHost } : {}),
    warn: () => {},
    logLevel: 'error',
    ...rest,
  });
  const admin = server.url.replace(/\/$/, '');
  let stopped = false;
  const handle: NodeHandle = {
    name,
    dir,
    server,
    admin,
    api: (method, path, body, headers = {}) =>
      fetch(`${admin}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    async stop() {
      if (stopped) return;
      stopped = true;
      running.delete(handle);
      await server.close();
    },
  };
  running.add(handle);
  return handle;
}
