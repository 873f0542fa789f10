// The real `fulcrum` command with --workers, in a child process on a temp data dir, plus echo
// clients. Every process started here (the primary and every worker pid it ever had) is killed
// by pid in cleanup(), whatever the test did.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { ClusterInfo } from '../../src/cluster/workers-info.ts';
import { freePort, startEchoServer, tempDir } from '../helpers.ts';
import type { TcpServer } from '../helpers.ts';

export const TOKEN = 'cluster-test-token-0123456789';
const ADMIN_DIR = fileURLToPath(new URL('../..', import.meta.url));

const pids = new Set<number>();
const cleanups: (() => unknown)[] = [];

/** Kills `pid` (and its children) in cleanup(): a process the test did not spawn itself, e.g. a hand-over's successor. */
export function trackPid(pid: number): void {
  pids.add(pid);
}

/** Registers something to undo in cleanup() (servers, temp dirs). */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/** Children of `pid` right now, from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** true while `pid` exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILL every process this file started (workers first, found also through /proc), then the rest. */
export async function cleanup(): Promise<void> {
  for (const pid of [...pids]) for (const child of childPids(pid)) pids.add(child);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pids.clear();
  for (const fn of cleanups.splice(0).reverse()) await fn();
}

export interface Fulcrum {
  child: ChildProcess;
  pid: number;
  dataDir: string;
  adminPort: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match on stdout (fails if the process exits first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Exit code (null if killed by a signal). */
  exit(): Promise<number | null>;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** GET /api/workers; remembers every worker pid for cleanup. */
  workers(): Promise<ClusterInfo>;
  stats(): Promise<StatsDto>;
}

export interface StartOptions {
  workers?: number;
  args?: string[];
  env?: Record<string, string>;
  /** Reuse a data dir (a new temp dir by default). */
  dataDir?: string;
  /** The script node runs (default src/cli.ts): a test may run fulcrum through an entry it can later break. */
  entry?: string;
}

/** Starts `fulcrum` and resolves once the dashboard line is printed (config applied, workers live). */
export async function startFulcrum(opts: StartOptions = {}): Promise<Fulcrum> {
  let dataDir = opts.dataDir;
  if (dataDir === undefined) {
    const temp = tempDir('fulcrum-cluster-');
    onCleanup(temp.remove);
    dataDir = temp.dir;
  }
  const adminPort = await freePort();
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FULCRUM_') && k !== 'NODE_CLUSTER_SCHED_POLICY'));
  const args = ['--import', 'tsx', opts.entry ?? 'src/cli.ts', '--data', dataDir, '--admin', `127.0.0.1:${adminPort}`, ...(opts.workers ? ['--workers', String(opts.workers)] : []), ...(opts.args ?? [])];
  // FULCRUM_TEST_SCHED_POLICY=rr|none runs the suite under the other node:cluster policy.
  const policy = process.env.FULCRUM_TEST_SCHED_POLICY;
  const env = { ...clean, FULCRUM_ADMIN_TOKEN: TOKEN, ...(policy ? { NODE_CLUSTER_SCHED_POLICY: policy } : {}), ...opts.env };
  const child = spawn(process.execPath, args, { cwd: ADMIN_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid as number;
  pids.add(pid);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const base = `http://127.0.0.1:${adminPort}`;
  const f: Fulcrum = {
    child,
    pid,
    dataDir,
    adminPort,
    stdout: () => out,
    stderr: () => err,
    exit: () => exited,
    async waitFor(pattern, timeoutMs = 45_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = out.match(pattern);
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`fulcrum exited before printing ${pattern}:\n${out}\n${err}`);
        if (Date.now() > deadline) throw new Error(`fulcrum did not print ${pattern}:\n${out}\n${err}`);
        await sleep(50);
      }
    },
    async api<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
    },
    async workers() {
      const info = (await f.api<ClusterInfo>('GET', '/api/workers')).body;
      for (const w of info.workers) pids.add(w.pid);
      return info;
    },
    async stats() {
      return (await f.api<StatsDto>('GET', '/api/stats')).body;
    },
  };
  await f.waitFor(/fulcrum: dashboard /);
  for (const child of childPids(pid)) pids.add(child);
  return f;
}

/**
 * For a file whose tests share one `fulcrum --workers 2` and one echo backend: starts both before
 * the tests and hands them to `use`; cleanup() after the tests stops them.
 */
export function shareWorkersWithEcho(use: (started: { f: Fulcrum; echo: TcpServer }) => void): void {
  beforeAll(async () => {
    const echo = await startEchoServer();
    onCleanup(() => echo.close());
    use({ f: await startFulcrum({ workers: 2 }), echo });
  }, 60_000);
  afterAll(cleanup);
}

/** Creates a service with health checks off (backends are up at once); returns it and its port. */
export async function createService(f: Fulcrum, backends: number[], extra: Record<string, unknown> = {}): Promise<{ service: ServiceDto; port: number }> {
  const port = await freePort();
  const res = await f.api<ServiceDto>('POST', '/api/services', {
    name: `svc-${port}`,
    listen: `127.0.0.1:${port}`,
    healthCheck: { type: 'none' },
    backends: backends.map((p) => ({ address: `127.0.0.1:${p}` })),
    ...extra,
  });
  if (res.status !== 201) throw new Error(`create service: ${res.status} ${JSON.stringify(res.body)}`);
  return { service: res.body, port };
}

/** Sends `payload`, resolves with the echo (rejects on any socket error). One connection. */
export async function echoOnce(port: number, payload = 'ping', host = '127.0.0.1'): Promise<string> {
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  try {
    await once(socket, 'connect');
    socket.write(payload);
    let got = '';
    while (got.length < payload.length) {
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      got += chunk.toString();
    }
    return got;
  } finally {
    socket.destroy();
  }
}

/** A long-lived connection that echoes one message at a time. */
export class EchoConnection {
  readonly socket: net.Socket;
  #buffer = '';
  #waiter: (() => void) | undefined;
  error: Error | undefined;
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.#buffer += d.toString();
      this.#waiter?.();
    });
    socket.on('error', (err) => {
      this.error = err;
      this.#waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#waiter?.();
    });
  }

  static async open(port: number, host = '127.0.0.1'): Promise<EchoConnection> {
    const socket = net.connect({ host, port });
    await once(socket, 'connect');
    return new EchoConnection(socket);
  }

  /** Writes `message` and waits for exactly its echo; rejects if the connection fails or ends. */
  async roundTrip(message: string, timeoutMs = 10_000): Promise<void> {
    if (this.closed || this.error) throw this.error ?? new Error('connection closed');
    this.#buffer = '';
    this.socket.write(message);
    const deadline = Date.now() + timeoutMs;
    while (this.#buffer.length < message.length) {
      if (this.error) throw this.error;
      if (this.closed) throw new Error(`connection closed after ${JSON.stringify(this.#buffer)}`);
      if (Date.now() > deadline) throw new Error('no echo in time');
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
        setTimeout(resolve, 100);
      });
    }
    this.#waiter = undefined;
    if (this.#buffer !== message) throw new Error(`echo mismatch: ${JSON.stringify(this.#buffer)} for ${JSON.stringify(message)}`);
  }

  close(): void {
    this.socket.destroy();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Paces long-lived clients by the traffic around them instead of a timer: every `every` new
 * connections served (served()), the client that has waited longest gets its next turn; after
 * open(), every turn comes at once (the clients then go back to back, each for a bounded count).
 */
export class TrafficPacer {
  readonly #every: number;
  #served = 0;
  #waiting: Array<() => void> = [];
  #open = false;

  constructor(every: number) {
    this.#every = every;
  }

  /** Resolves at this client's next turn. */
  turn(): Promise<void> {
    if (this.#open) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** One new connection was served (or failed); every `every` of them, one client may talk. */
  served(): void {
    if (++this.#served % this.#every === 0) this.#waiting.shift()?.();
  }

  /** From now on turns come at once; the clients waiting go now. */
  open(): void {
    this.#open = true;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

/** Sum of per-worker totals in a /api/workers answer. */
export const workerTotals = (info: ClusterInfo): Map<number, number> => new Map(info.workers.map((w) => [w.pid, w.total]));
