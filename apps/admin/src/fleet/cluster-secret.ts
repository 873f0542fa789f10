// The cluster secret: 32 random bytes in the shared store (fulcrum_cluster.secret), made once by
// the first node that finds none, read by every node into memory. It signs node assertions
// (node-assertion.ts). It is never logged, exported or answered by the API.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

/** Length of the cluster secret in bytes. */
export const CLUSTER_SECRET_BYTES = 32;

/**
 * The cluster's secret, made now when the store has none. The UPDATE … WHERE secret IS NULL
 * takes the row lock, so nodes starting together agree on the first one written.
 */
export async function readClusterSecret(pool: pg.Pool): Promise<Buffer> {
  await pool.query('UPDATE fulcrum_cluster SET secret = $1 WHERE id = 1 AND secret IS NULL', [randomBytes(CLUSTER_SECRET_BYTES)]);
  const row = (await pool.query<{ secret: Buffer | null }>('SELECT secret FROM fulcrum_cluster WHERE id = 1')).rows[0];
  if (!row?.secret || row.secret.length !== CLUSTER_SECRET_BYTES) throw new Error('the shared store has no cluster secret');
  return row.secret;
}

/** How long after a failed read the next one may start (a store outage must not flood the log). */
const RETRY_MS = 5_000;

/** The secret in memory; read at start-up and again on demand while the store could not be read. */
export class ClusterSecret {
  readonly #pool: pg.Pool;
  readonly #onError: (err: unknown) => void;
  #value: Buffer | undefined;
  #loading: Promise<void> | undefined;
  #failedAt = -Infinity;

  constructor(pool: pg.Pool, onError: (err: unknown) => void) {
    this.#pool = pool;
    this.#onError = onError;
  }

  /** Reads the secret (at most one read in flight); failures go to onError, never thrown. */
  load(): Promise<void> {
    this.#loading ??= readClusterSecret(this.#pool)
      .then((secret) => {
        this.#value = secret;
      })
      .catch((err: unknown) => {
        this.#failedAt = Date.now();
        this.#onError(err);
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  /** The secret, or undefined while it could not be read yet (then a new read starts, at most every 5 s). */
  get(): Buffer | undefined {
    if (this.#value === undefined && Date.now() - this.#failedAt >= RETRY_MS) void this.load();
    return this.#value;
  }
}
