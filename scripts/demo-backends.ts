// The three demo backends: real redis-server processes when the binary is installed, otherwise
// built-in Node RESP servers. Each keeps its port across stop/start so Fulcrum sees it come back.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import net from 'node:net';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatAddress } from '../packages/shared/src/address.ts';
import { spawnTracked, stopChild } from './demo-children.ts';
import type { TrackedChild } from './demo-children.ts';
import { RespConnection } from './demo-resp-client.ts';
import { startRespServer } from './demo-resp-server.ts';
import type { RespServer } from './demo-resp-server.ts';

/** Could not start a backend (the message says why). */
export class BackendStartError extends Error {
  readonly code = 'DEMO_BACKEND_START';
  constructor(message: string) {
    super(message);
    this.name = 'BackendStartError';
  }
}

/** One demo backend, numbered from 1 as the operator types it. */
export interface DemoBackend {
  n: number;
  host: string;
  port: number;
  address: string;
  /** PID of its redis-server while running (undefined for built-in or stopped backends). */
  pid: number | undefined;
  running: boolean;
}

/** Absolute path of `redis-server` on PATH, if any. */
export function findRedisServer(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `redis-server --version` in a few words, e.g. "v=7.0.15". */
export function redisVersion(binary: string): string {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 5000 });
    return /v=(\S+)/.exec(out)?.[0] ?? 'unknown version';
  } catch {
    return 'unknown version';
  }
}

/** A port that was free a moment ago on `host`. */
export async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls PING until the server answers (bounded by `timeoutMs`). */
async function waitForPong(host: string, port: number, timeoutMs: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    try {
      const conn = await RespConnection.connect(host, port, 500);
      const answer = await conn.command(['PING'], { timeoutMs: 500 }).finally(() => conn.close());
      if (answer === 'PONG') return true;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  return false;
}

interface Slot {
  backend: DemoBackend;
  process?: TrackedChild;
  server?: RespServer;
}

/** The demo's backends: `kind` says what they are; start(n)/stop(n) work on one. */
export class DemoBackends {
  readonly #slots: Slot[];
  readonly #redisBinary: string | undefined;
  readonly #dataDir: string;

  private constructor(slots: Slot[], redisBinary: string | undefined, dataDir: string) {
    this.#slots = slots;
    this.#redisBinary = redisBinary;
    this.#dataDir = dataDir;
  }

  /** Picks `count` free ports on `host` and starts a backend on each. */
  static async start(opts: { count: number; host: string; redisBinary: string | undefined; dataDir: string }): Promise<DemoBackends> {
    const slots: Slot[] = [];
    for (let n = 1; n <= opts.count; n++) {
      const port = await freePort(opts.host);
      slots.push({ backend: { n, host: opts.host, port, address: formatAddress(opts.host, port), pid: undefined, running: false } });
    }
    const backends = new DemoBackends(slots, opts.redisBinary, opts.dataDir);
    try {
      for (let n = 1; n <= opts.count; n++) await backends.startOne(n);
    } catch (err) {
      await backends.stopAll();
      throw err;
    }
    return backends;
  }

  get kind(): 'redis' | 'builtin' {
    return this.#redisBinary === undefined ? 'builtin' : 'redis';
  }

  get list(): readonly DemoBackend[] {
    return this.#slots.map((slot) => slot.backend);
  }

  has(n: number): boolean {
    return Number.isInteger(n) && n >= 1 && n <= this.#slots.length;
  }

  /** Starts backend n on its port; resolves once it answers PING. */
  async startOne(n: number): Promise<DemoBackend> {
    const slot = this.#slots[n - 1]!;
    const { backend } = slot;
    if (backend.running) return backend;
    if (this.#redisBinary === undefined) {
      try {
        slot.server = await startRespServer(backend.host, backend.port);
      } catch (err) {
        throw new BackendStartError(`backend ${n}: cannot listen on ${backend.address}: ${(err as Error).message}`);
      }
    } else {
      const dir = join(this.#dataDir, `backend-${n}`);
      mkdirSync(dir, { recursive: true });
      const args = ['--port', String(backend.port), '--bind', backend.host, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'];
      const child = await spawnTracked(`backend ${n}`, this.#redisBinary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-2000)));
      slot.process = child;
      void child.exited.then(() => {
        // Died on its own (not via stopOne): show it as stopped.
        if (slot.process === child) {
          backend.running = false;
          backend.pid = undefined;
        }
      });
      if (!(await waitForPong(backend.host, backend.port, 10_000, () => child.running))) {
        await stopChild(child, 'SIGKILL');
        throw new BackendStartError(`backend ${n}: redis-server on ${backend.address} did not answer PING${stderr ? `: ${stderr.trim()}` : ''}`);
      }
      backend.pid = child.pid;
    }
    backend.running = true;
    return backend;
  }

  /** Stops backend n (SIGTERM to its redis-server, or closing the built-in server): its connections drop. */
  async stopOne(n: number): Promise<DemoBackend> {
    const slot = this.#slots[n - 1]!;
    const { backend } = slot;
    backend.running = false;
    backend.pid = undefined;
    const { server, process: child } = slot;
    slot.server = undefined;
    slot.process = undefined;
    if (server) await server.close();
    if (child) await stopChild(child, 'SIGTERM', 3000);
    return backend;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => this.stopOne(slot.backend.n)));
  }
}
