// SharedConfig over PostgreSQL: a change locks the fulcrum_cluster row for its whole duration,
// so changes through any node are serialized and each one starts from the newest version.
import pg from 'pg';
import type { EventDto } from '@fulcrum/shared/api';
import { ApiError } from '../http/api-error.ts';
import type { SharedChange, SharedConfig } from '../config/shared-config.ts';
import type { NewEvent } from '../store/events-repo.ts';
import type { ReplicatedState } from '../store/replica.ts';
import { insertSharedEvents, readClusterVersion, readOtherNodesEvents, readSharedRows, readSharedState, writeSharedState } from './pg-replica.ts';

/** How long a change waits for another node's change to finish before it gives up. */
const LOCK_TIMEOUT_MS = 15_000;

/** 503 STORE_UNAVAILABLE with the driver's reason. */
export function storeUnavailable(err: unknown): ApiError {
  const reason = err instanceof Error ? err.message : String(err);
  return new ApiError(503, 'STORE_UNAVAILABLE', `the shared store is unreachable (${reason}); nothing was changed and traffic is served as before`, undefined, { cause: err });
}

export interface PgSharedConfigOptions {
  pool: pg.Pool;
  /** This node's name: its audit events are marked with it. */
  node: string;
  /** The newest shared event already copied into the local log (persisted by the caller). */
  eventCursor: { get(): number | undefined; set(id: number): void };
}

/** The shared configuration in PostgreSQL. */
export class PgSharedConfig implements SharedConfig {
  readonly #pool: pg.Pool;
  readonly #node: string;
  readonly #cursor: PgSharedConfigOptions['eventCursor'];

  constructor(opts: PgSharedConfigOptions) {
    this.#pool = opts.pool;
    this.#node = opts.node;
    this.#cursor = opts.eventCursor;
  }

  async #client(): Promise<pg.PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (err) {
      throw storeUnavailable(err);
    }
  }

  async begin(localVersion: number): Promise<SharedChange> {
    const client = await this.#client();
    let version: number;
    let pending: ReplicatedState | undefined;
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`);
      const cluster = await readClusterVersion(client, true);
      version = cluster.version;
      if (version !== localVersion) pending = { version, sequences: cluster.sequences, rows: await readSharedRows(client) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      client.release(true);
      throw storeUnavailable(err);
    }
    let done = false;
    const finish = (broken: boolean) => {
      done = true;
      client.release(broken);
    };
    const node = this.#node;
    return {
      version,
      pending,
      async commit(state: ReplicatedState, events: readonly EventDto[]) {
        if (done) throw new Error('shared change already finished');
        if (state.version !== version + 1) throw new Error(`a change must write version ${version + 1}, not ${state.version}`);
        try {
          await writeSharedState(client, state);
          await insertSharedEvents(client, node, events);
          await client.query('COMMIT');
          finish(false);
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          finish(true);
          // A constraint the local copy let through is a bug, not an outage; both end as a refusal.
          throw err instanceof pg.DatabaseError && err.code?.startsWith('23') ? err : storeUnavailable(err);
        }
      },
      async rollback() {
        if (done) return;
        try {
          await client.query('ROLLBACK');
          finish(false);
        } catch {
          finish(true);
        }
      },
    };
  }

  async latestVersion(): Promise<number> {
    const client = await this.#client();
    try {
      return (await readClusterVersion(client)).version;
    } finally {
      client.release();
    }
  }

  async read(): Promise<ReplicatedState> {
    const client = await this.#client();
    try {
      return await readSharedState(client);
    } finally {
      client.release();
    }
  }

  async othersEvents(): Promise<NewEvent[]> {
    const client = await this.#client();
    try {
      const rows = await readOtherNodesEvents(client, this.#node, this.#cursor.get() ?? 0);
      const last = rows.at(-1);
      if (last) this.#cursor.set(last.id);
      return rows.map((r) => ({
        time: new Date(r.time),
        kind: r.kind,
        actor: r.actor,
        serviceId: r.service_id,
        backendId: r.backend_id,
        message: r.message,
        details: JSON.parse(r.details) as Record<string, unknown>,
        node: r.node,
      }));
    } finally {
      client.release();
    }
  }
}
