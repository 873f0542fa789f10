// Real loopback servers for the health tests: scripted TCP responders, a refusing port, a
// port whose connects time out, and real redis-server / postgres processes. Everything listens
// on 127.0.0.1 only; every process is killed by PID by its stop().
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEALTH_CHECK_DEFAULTS } from '../../src/config.ts';
import type { HealthCheckConfig } from '../../src/config.ts';

export const HOST = '127.0.0.1';

/** Health settings for tests: defaults plus `overrides`. */
export function healthConfig(overrides: Partial<HealthCheckConfig> = {}): HealthCheckConfig {
  return { ...HEALTH_CHECK_DEFAULTS, ...overrides };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `predicate` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A scripted TCP server: counts connections, keeps what each one sent. */
export interface TestServer {
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open right now. */
  readonly open: number;
  /** Most connections open at the same time. */
  readonly maxOpen: number;
  /** When each connection was accepted (Date.now()). */
  readonly acceptTimes: readonly number[];
  /** Bytes received on each connection, in accept order. */
  readonly received: readonly Buffer[];
  close(): Promise<void>;
}

/** What a scripted server does with a connection: `onData` gets everything received so far. */
export interface Script {
  onConnect?: (socket: net.Socket) => void;
  onData?: (socket: net.Socket, received: Buffer) => void;
}

export async function startServer(script: Script = {}): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const acceptTimes: number[] = [];
  const received: Buffer[] = [];
  let maxOpen = 0;
  const server = net.createServer((socket) => {
    const index = received.length;
    received.push(Buffer.alloc(0));
    acceptTimes.push(Date.now());
    sockets.add(socket);
    maxOpen = Math.max(maxOpen, sockets.size);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      const all = Buffer.concat([received[index] ?? Buffer.alloc(0), chunk]);
      received[index] = all;
      script.onData?.(socket, all);
    });
    script.onConnect?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get accepted() {
      return acceptTimes.length;
    },
    get open() {
      return sockets.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    acceptTimes,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A server that answers every connection's first bytes with `reply` (and keeps the socket open). */
export function startReplyServer(reply: () => string | Buffer): Promise<TestServer> {
  return startServer({
    onData: (socket, received) => {
      if (received.length > 0 && !socket.destroyed && socket.bytesWritten === 0) socket.write(reply());
    },
  });
}

/** A loopback port nothing listens on (connects are refused). */
export async function refusingPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A free loopback port for a server that needs an explicit one. */
export const freePort = refusingPort;

/**
 * A loopback port where connects time out: a child process listens with backlog 1 and then
 * blocks its event loop, so it never accepts; two held connections fill the accept queue and
 * the kernel drops every further SYN.
 */
export async function startBlackhole(): Promise<{ port: number; stop: () => Promise<void> }> {
  const code = `
    const net = require('node:net');
    const server = net.createServer();
    server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
      require('node:fs').writeSync(1, server.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000); // never returns to the loop: never accepts
    });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
    child.once('exit', () => reject(new Error('blackhole child exited')));
  });
  const held: net.Socket[] = [];
  for (let i = 0; i < 2; i += 1) {
    const socket = net.connect({ host: HOST, port });
    socket.on('error', () => {});
    held.push(socket);
    await new Promise((resolve) => {
      socket.once('connect', resolve);
      setTimeout(resolve, 500);
    });
  }
  return {
    port,
    stop: async () => {
      for (const socket of held) socket.destroy();
      await killChild(child);
    },
  };
}

async function killChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, signal);
  await Promise.race([exited, sleep(5000)]);
}

/** A process-backed server. */
export interface ProcessServer {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Sends `command` to a loopback port and resolves with the first reply bytes (or '' on error/timeout). */
export function ask(port: number, command: string | Buffer, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const done = (text: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(text);
    };
    const timer = setTimeout(() => done(''), timeoutMs);
    socket.on('connect', () => socket.write(command));
    socket.on('data', (data: Buffer) => done(data.toString('latin1')));
    socket.on('error', () => done(''));
  });
}

/** Starts `redis-server` on a free loopback port, without persistence; waits until it answers PING. */
export async function startRedis(): Promise<ProcessServer> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: 'ignore' });
  const pid = child.pid ?? 0;
  const stop = (): Promise<void> => killChild(child, 'SIGTERM');
  for (let i = 0; i < 100; i += 1) {
    if ((await ask(port, 'PING\r\n', 200)).startsWith('+PONG')) return { port, pid, stop };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  await stop();
  throw new Error('redis-server did not start');
}

/**
 * Starts a throwaway PostgreSQL 15 cluster as user `postgres` (initdb refuses root) in a temp
 * dir on a free loopback port; undefined when that is not possible here.
 */
export async function startPostgres(): Promise<ProcessServer | undefined> {
  const bin = '/usr/lib/postgresql/15/bin';
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0 || gid.status !== 0 || process.getuid?.() !== 0) return undefined;
  const user = { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-health-pg-'));
  chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions'], { ...user, stdio: 'ignore', timeout: 20_000 });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const port = await freePort();
  const child = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', `listen_addresses=${HOST}`, '-c', 'fsync=off'], { ...user, stdio: 'ignore' });
  const pid = child.pid ?? 0;
  const stop = async (): Promise<void> => {
    await killChild(child, 'SIGQUIT'); // immediate shutdown: the postmaster takes its children down

    rmSync(dir, { recursive: true, force: true });
  };
  const sslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);
  for (let i = 0; i < 100; i += 1) {
    if ((await ask(port, sslRequest, 200)) !== '') return { port, pid, stop };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  await stop();
  return undefined;
}
