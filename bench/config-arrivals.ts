// When each configuration version reached one node, as seen on its /api/live WebSocket: every
// `config` message is kept with its arrival time until someone has asked for its version, and
// waitFor(N) resolves with the first message whose version is N or later.

/** The part of a live `config` message the bench reads. */
export interface ConfigArrival {
  version: number;
  at: number;
  services: Array<{ id: number; retries: number; backends: Array<{ id: number; weight: number }> }>;
}

/** Config messages of one node, in arrival order. */
export class ConfigArrivals {
  readonly node: string;
  #arrivals: ConfigArrival[] = [];
  #waiter: { version: number; resolve: (a: ConfigArrival) => void; reject: (e: Error) => void } | undefined;
  #closed: string | undefined;
  /** How many `hello` messages arrived (one per connection). */
  hellos = 0;

  constructor(node: string) {
    this.node = node;
  }

  /** Feeds one text message of the socket (others than hello and config are ignored). */
  message(text: string, at: number): void {
    let msg: { type?: unknown; version?: unknown; services?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return this.close(`node ${this.node} sent a message that is not JSON`);
    }
    if (msg.type === 'hello') this.hellos++;
    if (msg.type !== 'config') return;
    if (typeof msg.version !== 'number' || !Array.isArray(msg.services)) {
      return this.close(`node ${this.node} sent a config message without a numeric version`);
    }
    const arrival = { version: msg.version, at, services: msg.services as ConfigArrival['services'] };
    this.#arrivals.push(arrival);
    const waiter = this.#waiter;
    if (waiter && arrival.version >= waiter.version) {
      this.#waiter = undefined;
      waiter.resolve(this.#take(waiter.version));
    }
  }

  /** The socket ended: a pending or later waitFor() fails with `reason`. */
  close(reason: string): void {
    this.#closed ??= reason;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(new Error(`node ${this.node}: live socket ended while waiting for version ${waiter.version} (${reason})`));
  }

  /** The first config message with `version` or later; fails after `timeoutMs`. */
  waitFor(version: number, timeoutMs: number): Promise<ConfigArrival> {
    if (this.#arrivals.some((a) => a.version >= version)) return Promise.resolve(this.#take(version));
    if (this.#closed) return Promise.reject(new Error(`node ${this.node}: live socket ended (${this.#closed})`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        const seen = this.#arrivals.at(-1)?.version;
        reject(new Error(`node ${this.node}: no config message with version ≥ ${version} within ${timeoutMs} ms (last seen: ${seen ?? 'none since the last change'})`));
      }, timeoutMs);
      this.#waiter = {
        version,
        resolve: (a) => { clearTimeout(timer); resolve(a); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
    });
  }

  /** The first arrival with `version` or later; the older ones are dropped (nobody asks again). */
  #take(version: number): ConfigArrival {
    const i = this.#arrivals.findIndex((a) => a.version >= version);
    this.#arrivals = this.#arrivals.slice(i);
    return this.#arrivals[0]!;
  }
}
