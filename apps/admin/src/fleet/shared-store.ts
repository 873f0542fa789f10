// Opening the shared PostgreSQL store at start-up: a pool, the schema migrated (or refused when it
// is newer than this fulcrum), and operator-facing reasons when it cannot be reached.
import pg from 'pg';
import { migrateShared } from './pg-migrations.ts';
import type { SharedStoreUrl } from './store-url.ts';

/** Why the shared store cannot be used, in one line for the operator. */
export class SharedStoreError extends Error {
  /** True when the store could not be reached at all (a node with a local copy may start anyway). */
  readonly unreachable: boolean;
  constructor(message: string, unreachable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SharedStoreError';
    this.unreachable = unreachable;
  }
}

/** The operator-facing reason a connection to `store` failed. */
export function describeStoreError(err: unknown, store: SharedStoreUrl): SharedStoreError {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === '28P01' || code === '28000') return new SharedStoreError(`--store ${store.display}: authentication failed (${message})`, false, { cause: err });
  if (code === '3D000') return new SharedStoreError(`--store ${store.display}: ${message}`, false, { cause: err });
  if (err instanceof Error && err.name === 'SharedSchemaTooNewError') return new SharedStoreError(`--store ${store.display}: ${message}`, false, { cause: err });
  return new SharedStoreError(`--store ${store.display}: cannot reach PostgreSQL (${code ?? message})`, true, { cause: err });
}

/** A connection pool over `store`; errors of idle clients are reported, never thrown. */
export function createPool(store: SharedStoreUrl, onError: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({ connectionString: store.url, max: 4, connectionTimeoutMillis: 3_000, idleTimeoutMillis: 10_000, application_name: 'fulcrum' });
  pool.on('error', onError);
  // A connection lost mid-query rejects that query; the client's 'error' event must not crash the node.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** Connects once and migrates the shared schema; throws a SharedStoreError. */
export async function prepareSharedStore(pool: pg.Pool, store: SharedStoreUrl): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw describeStoreError(err, store);
  }
  try {
    await migrateShared(client);
  } catch (err) {
    throw describeStoreError(err, store);
  } finally {
    client.release();
  }
}
