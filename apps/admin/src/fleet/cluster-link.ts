// A node's link to the shared store: it LISTENs for new configuration versions, checks the
// version every few seconds anyway (a lost notification only delays a change), heartbeats about
// once a second, and keeps the cluster view. While PostgreSQL is unreachable it retries with
// back-off and the node keeps serving the configuration it runs; on reconnect it catches up.
import pg from 'pg';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { Backoff } from '../cluster/backoff.ts';
import { CONFIG_CHANNEL } from './pg-replica.ts';
import { heartbeat, leave, readCluster } from './node-registry.ts';
import type { NodeReport } from './node-registry.ts';

export interface ClusterLinkOptions {
  url: string;
  pool: pg.Pool;
  node: string;
  /** What this node reports in its heartbeat. */
  report: () => NodeReport;
  /** Brings the node to the newest version; called after a NOTIFY, a periodic check or a reconnect. */
  catchUp: () => Promise<void>;
  /** A new cluster view (after each heartbeat). */
  onCluster: (cluster: ClusterDto) => void;
  onError: (err: unknown, what: string) => void;
  heartbeatMs?: number;
  checkMs?: number;
}

/** Keeps one node in step with the shared store until stop(). */
export class ClusterLink {
  readonly #opts: ClusterLinkOptions;
  readonly #backoff = new Backoff({ baseMs: 100, maxMs: 5_000, stableMs: 10_000 });
  #listener: pg.Client | undefined;
  #listenerSince = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #checkTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #catchingUp: Promise<void> | undefined;
  #again = false;
  #cluster: ClusterDto | undefined;
  #storeError: string | null = null;
  #reportedVersion = -1;

  constructor(opts: ClusterLinkOptions) {
    this.#opts = opts;
  }

  /** The last cluster view, with the store's reachability now. */
  get cluster(): ClusterDto | undefined {
    return this.#cluster && { ...this.#cluster, storeError: this.#storeError };
  }

  /** Why the shared store is unreachable (null: it is reachable). */
  get storeError(): string | null {
    return this.#storeError;
  }

  start(): void {
    void this.#listen();
    this.#heartbeatTimer = setInterval(() => void this.#beat(), this.#opts.heartbeatMs ?? 1_000);
    this.#checkTimer = setInterval(() => this.requestCatchUp(), this.#opts.checkMs ?? 3_000);
    void this.#beat();
  }

  /** Runs a catch-up now, or once more after the one in progress. */
  requestCatchUp(): void {
    if (this.#stopped) return;
    if (this.#catchingUp) {
      this.#again = true;
      return;
    }
    this.#catchingUp = this.#opts
      .catchUp()
      .then(async () => {
        this.#reachable();
        // Say at once that this node runs a new version (?wait=cluster waits on these rows).
        if (this.#opts.report().appliedVersion !== this.#reportedVersion) await this.#beat();
      })
      .catch((err: unknown) => this.#unreachable(err, 'catch up with the shared store'))
      .finally(() => {
        this.#catchingUp = undefined;
        if (this.#again) {
          this.#again = false;
          this.requestCatchUp();
        }
      });
  }

  /** The cluster view, read now (falls back to the last one when the store is unreachable). */
  async readCluster(): Promise<ClusterDto | undefined> {
    try {
      this.#cluster = await this.#withClient((client) => readCluster(client, this.#opts.node));
      this.#reachable();
    } catch (err) {
      this.#unreachable(err, 'read the cluster view');
    }
    return this.cluster;
  }

  /**
   * Waits until every live node runs `version` or later, or `timeoutMs` passes; says which nodes
   * did and which did not (lost nodes are not waited for and count as not applied).
   */
  async waitForVersion(version: number, timeoutMs: number): Promise<{ applied: string[]; pending: string[] }> {
    const deadline = Date.now() + timeoutMs;
    await this.#beat(); // this node's own row first
    for (;;) {
      const view = await this.readCluster();
      const nodes = view?.nodes ?? [];
      const applied = nodes.filter((n) => n.appliedVersion >= version).map((n) => n.name);
      const pending = nodes.filter((n) => n.appliedVersion < version).map((n) => n.name);
      const waiting = nodes.some((n) => n.appliedVersion < version && n.state !== 'lost' && n.state !== 'apply-failed');
      if (!waiting || Date.now() >= deadline || this.#stopped) return { applied, pending };
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async #beat(): Promise<void> {
    if (this.#stopped) return;
    try {
      this.#cluster = await this.#withClient(async (client) => {
        const report = this.#opts.report();
        await heartbeat(client, report);
        this.#reportedVersion = report.appliedVersion;
        return readCluster(client, this.#opts.node);
      });
      this.#reachable();
    } catch (err) {
      this.#unreachable(err, 'send a heartbeat');
    }
    const cluster = this.cluster;
    if (cluster && !this.#stopped) this.#opts.onCluster(cluster);
  }

  /** Runs `task` on a pooled connection and gives it back. */
  async #withClient<T>(task: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#opts.pool.connect();
    try {
      return await task(client);
    } finally {
      client.release();
    }
  }

  #reachable(): void {
    this.#storeError = null;
  }

  #unreachable(err: unknown, what: string): void {
    const message = err instanceof Error ? err.message : String(err);
    if (this.#storeError === null) this.#opts.onError(err, what);
    this.#storeError = message || 'unreachable';
  }

  async #listen(): Promise<void> {
    if (this.#stopped) return;
    const client = new pg.Client({ connectionString: this.#opts.url, connectionTimeoutMillis: 3_000 });
    this.#listener = client;
    let failed = false;
    const retry = (err: unknown) => {
      if (failed || this.#stopped) return;
      failed = true;
      this.#unreachable(err, 'listen for configuration changes');
      void client.end().catch(() => {});
      const delay = this.#backoff.next(Date.now() - this.#listenerSince);
      this.#reconnectTimer = setTimeout(() => void this.#listen(), delay);
    };
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection to the shared store ended')));
    client.on('notification', (msg) => {
      if (msg.channel === CONFIG_CHANNEL) this.requestCatchUp();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CONFIG_CHANNEL}`);
      this.#listenerSince = Date.now();
      // Whatever was announced while we were not listening.
      this.requestCatchUp();
    } catch (err) {
      retry(err);
    }
  }

  /**
   * Stops the loops; a graceful leave removes this node from the cluster view. Only the first call
   * acts: a process that handed over stops without leaving (its successor is this node now), and
   * its later shutdown must not remove the node either.
   */
  async stop(opts: { leave: boolean }): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#heartbeatTimer);
    clearInterval(this.#checkTimer);
    clearTimeout(this.#reconnectTimer);
    const listener = this.#listener;
    listener?.removeAllListeners('end');
    listener?.on('error', () => {});
    await listener?.end().catch(() => {});
    await this.#catchingUp;
    if (opts.leave) {
      try {
        await this.#withClient((client) => leave(client, this.#opts.node));
      } catch {
        // The store is gone: the others will see this node as lost instead.
      }
    }
  }
}
