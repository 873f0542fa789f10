// Background client load against the balancer: a few simulated Redis clients, some holding a
// connection for 5–30 s, some opening one per command. Modest on purpose (~5 commands/s per
// client) so the demo never eats the CPU; every loop ends on stop() or at the deadline.
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { RespErrorReply } from './demo-resp.ts';
import { RespConnection } from './demo-resp-client.ts';

export interface LoadCounters {
  /** Commands answered without an error reply. */
  ops: number;
  /** Failed connects, dropped connections, timeouts and error replies. */
  failures: number;
  /** Connections opened to the balancer. */
  connections: number;
}

export interface LoadOptions {
  host: string;
  port: number;
  clients: number;
  /** Epoch ms after which every client stops by itself. */
  deadline: number;
}

const KEYS = 100;
const rand = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min + 1));

/** A random command of the mix: GET, SET, INCR, PING; one in four sent inline. */
function nextCommand(): { args: string[]; inline: boolean } {
  const key = `demo:key:${rand(0, KEYS - 1)}`;
  const roll = Math.random();
  const args =
    roll < 0.4 ? ['GET', key] : roll < 0.65 ? ['SET', key, `v${Date.now()}`] : roll < 0.85 ? ['INCR', 'demo:counter'] : ['PING'];
  return { args, inline: Math.random() < 0.25 };
}

/** Runs the simulated clients; `counters` is live. */
export class LoadGenerator {
  readonly counters: LoadCounters = { ops: 0, failures: 0, connections: 0 };
  readonly #opts: LoadOptions;
  readonly #abort = new AbortController();
  readonly #open = new Set<RespConnection>();
  #loops: Promise<void>[] = [];

  constructor(opts: LoadOptions) {
    this.#opts = opts;
    // Every client's pause listens on the one abort signal.
    setMaxListeners(opts.clients + 10, this.#abort.signal);
  }

  /**
   * How many clients hold a connection (three in four) and how many connect per command. With
   * 12 clients, 9 holders sit 3/3/3 on three backends, so least-connections sees ties and
   * rotates the per-command connections over all of them.
   */
  get mix(): { holding: number; perCommand: number } {
    const perCommand = Math.floor(this.#opts.clients / 4);
    return { holding: this.#opts.clients - perCommand, perCommand };
  }

  start(): void {
    for (let i = 0; i < this.#opts.clients; i++) {
      this.#loops.push(i % 4 === 3 ? this.#perCommandClient() : this.#holdingClient());
    }
  }

  /** Stops every client, closes their connections and waits for the loops to end. */
  async stop(): Promise<void> {
    this.#abort.abort();
    for (const conn of this.#open) conn.destroy();
    await Promise.all(this.#loops);
  }

  get #running(): boolean {
    return !this.#abort.signal.aborted && Date.now() < this.#opts.deadline;
  }

  /** Sleeps, waking early on stop. */
  async #pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.#abort.signal }).catch(() => {});
  }

  async #connect(): Promise<RespConnection | undefined> {
    try {
      const conn = await RespConnection.connect(this.#opts.host, this.#opts.port, 2000);
      this.counters.connections++;
      if (this.#abort.signal.aborted) {
        conn.destroy();
        return undefined;
      }
      this.#open.add(conn);
      return conn;
    } catch {
      this.counters.failures++;
      return undefined;
    }
  }

  async #send(conn: RespConnection): Promise<boolean> {
    const { args, inline } = nextCommand();
    try {
      const answer = await conn.command(args, { inline });
      if (answer instanceof RespErrorReply) {
        this.counters.failures++;
        return true;
      }
      this.counters.ops++;
      return true;
    } catch {
      if (!this.#abort.signal.aborted) this.counters.failures++;
      return false;
    }
  }

  #release(conn: RespConnection): void {
    this.#open.delete(conn);
    conn.close();
  }

  /** Holds one connection for 5–30 s, a command every 100–300 ms; reconnects after a failure. */
  async #holdingClient(): Promise<void> {
    await this.#pause(rand(0, 1000)); // spread the first connects
    while (this.#running) {
      const conn = await this.#connect();
      if (!conn) {
        await this.#pause(rand(250, 750));
        continue;
      }
      const holdUntil = Date.now() + rand(5000, 30_000);
      let ok = true;
      while (ok && this.#running && Date.now() < holdUntil) {
        ok = await this.#send(conn);
        if (ok) await this.#pause(rand(100, 300));
      }
      this.#release(conn);
      if (!ok) await this.#pause(rand(250, 750));
    }
  }

  /** One connection per command, 100–300 ms apart. */
  async #perCommandClient(): Promise<void> {
    await this.#pause(rand(0, 1000));
    while (this.#running) {
      const conn = await this.#connect();
      const ok = conn !== undefined && (await this.#send(conn));
      if (conn) this.#release(conn);
      await this.#pause(ok ? rand(100, 300) : rand(250, 750));
    }
  }
}
