// Real things for admin tests: a real engine, a real SQLite store in a temp dir, real sockets on
// 127.0.0.1. Nothing is mocked.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { once } from 'node:events';
import { expect } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createLoadBalancer } from '@fulcrum/engine';
import type { LoadBalancer } from '@fulcrum/engine';
import type { ApiErrorBody, ServiceDto } from '@fulcrum/shared/api';
import { buildApp } from '../src/app.ts';
import type { BuildAppOptions } from '../src/app.ts';
import { openStore } from '../src/store/store.ts';
import type { Store } from '../src/store/store.ts';

export const TOKEN = 'test-token-0123456789abcdef';

/** A fresh temporary directory; removed by the returned function. */
export function tempDir(prefix = 'fulcrum-admin-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestApp {
  app: FastifyInstance;
  engine: LoadBalancer;
  store: Store;
  dir: string;
  /** Closes app, engine and store; keeps the data dir unless `remove`. */
  close(opts?: { keepDir?: boolean }): Promise<void>;
}

/** Builds a ready app over a real engine and a store in `dir` (a new temp dir by default). */
export async function startApp(opts: Partial<BuildAppOptions> & { dir?: string } = {}): Promise<TestApp> {
  const temp = opts.dir === undefined ? tempDir() : undefined;
  const dir = opts.dir ?? temp!.dir;
  const store = openStore(dir);
  const engine = createLoadBalancer();
  const app = await buildApp({ adminToken: TOKEN, dashboardDir: join(dir, 'no-dashboard'), ...opts, engine, store });
  try {
    await app.ready();
  } catch (err) {
    await app.close();
    await engine.close();
    store.close();
    temp?.remove();
    throw err;
  }
  return {
    app,
    engine,
    store,
    dir,
    async close(closeOpts = {}) {
      await app.close();
      await engine.close();
      store.close();
      if (!closeOpts.keepDir) temp?.remove();
    },
  };
}

/** inject() with the Bearer token and a JSON body. */
export function api(
  app: FastifyInstance,
  method: InjectOptions['method'],
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
  });
}

/** The first port of the kernel's ephemeral range (outgoing connections take their ports there). */
function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

const PORTS_FROM = 20_000;
const handedOut = new Set<number>();

async function bindable(port: number): Promise<boolean> {
  const server = net.createServer();
  server.listen({ host: '127.0.0.1', port, exclusive: true });
  try {
    await once(server, 'listening');
  } catch {
    return false;
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return true;
}

/**
 * A port that was free a moment ago on 127.0.0.1, chosen below the ephemeral range: a port from
 * bind(0) comes from the range every outgoing connection of every test process draws from, so
 * one could take it between this check and the listen that follows (seen once as a 409 in CI).
 */
export async function freePort(): Promise<number> {
  const span = Math.max(1, ephemeralLow() - PORTS_FROM);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = PORTS_FROM + Math.floor(Math.random() * span);
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port found below the ephemeral range after 100 attempts');
}

export interface TcpServer {
  port: number;
  /** Connections accepted so far. */
  accepted: number;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 (port 0 unless given) running `onSocket` per connection. */
export async function startTcpServer(onSocket: (socket: net.Socket) => void, port = 0): Promise<TcpServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    result.accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const result: TcpServer = {
    port: (server.address() as net.AddressInfo).port,
    accepted: 0,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return result;
}

/** An echo server: bytes in, same bytes out. */
export const startEchoServer = (): Promise<TcpServer> => startTcpServer((socket) => socket.pipe(socket));

/** Sends `payload` to host:port (default 127.0.0.1) and resolves with everything received until the peer ends. */
export async function tcpRoundTrip(port: number, payload: Buffer | string, host = '127.0.0.1'): Promise<Buffer> {
  const socket = net.connect({ host, port, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'connect');
  socket.end(payload);
  await once(socket, 'end');
  socket.destroy();
  return Buffer.concat(chunks);
}

/**
 * Connects from source address `from` (any 127.x.y.z) and sends a ping: true when it comes back,
 * false when the proxy closes the client instead (a refused client that already sent its ping may
 * see a reset: its bytes were never read).
 */
export async function servedFrom(port: number, from: string): Promise<boolean> {
  const s = net.connect({ host: '127.0.0.1', port, localAddress: from });
  s.on('error', () => {});
  try {
    await once(s, 'connect');
    s.write('ping');
    const got = await Promise.race([once(s, 'data').then(([d]) => String(d)), once(s, 'close').then(() => null)]).catch(() => null);
    return got === 'ping';
  } finally {
    s.destroy();
  }
}

/** Resolves true if nothing accepts connections on 127.0.0.1:port. */
export async function refused(port: number): Promise<boolean> {
  const socket = net.connect({ host: '127.0.0.1', port });
  try {
    await once(socket, 'connect');
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  } finally {
    socket.destroy();
  }
}

/** Everything a failed request must leave untouched: the API's view, the engine's view. */
export async function observable(t: TestApp): Promise<{ services: ServiceDto[]; engine: unknown; stored: ServiceDto[] }> {
  const res = await api(t.app, 'GET', '/api/services');
  return {
    services: res.json<ServiceDto[]>(),
    engine: structuredClone(t.engine.config),
    stored: t.store.readServices(),
  };
}

/** Polls `check` until it returns a truthy value (no timing assertions: only a generous limit). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 15_000, stepMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/** Everything a rejected request must not touch: the store, the committed snapshot, the engine, tokens and the audit log. */
export function untouched(t: TestApp) {
  return {
    services: t.store.readServices(),
    committed: structuredClone(t.app.fulcrum.config.services),
    engine: structuredClone(t.engine.config),
    tokens: t.store.db.prepare('SELECT * FROM tokens ORDER BY id').all(),
    // Audit rows only: the engine logs health and drain events on its own schedule.
    audit: t.store.db.prepare("SELECT count(*) AS n, max(id) AS last FROM events WHERE actor <> 'engine'").get(),
  };
}

/**
 * Sends `method url body` and expects a 400 whose body matches `expected` (its code and field),
 * with nothing changed (`untouched`).
 */
export async function expectRefused(t: TestApp, method: InjectOptions['method'], url: string, body: unknown, expected: Partial<ApiErrorBody>): Promise<void> {
  const before = untouched(t);
  const res = await api(t.app, method, url, body);
  expect(res.statusCode).toBe(400);
  expect(res.json<ApiErrorBody>()).toMatchObject(expected);
  expect(untouched(t)).toEqual(before);
}

/** What `startEchoService` started: close `t` and `echo` after the test. */
export interface EchoService {
  t: TestApp;
  echo: TcpServer;
  /** The service's listening port on 127.0.0.1. */
  port: number;
  service: ServiceDto;
}

/** An app with one service "db" (checks off) on a free port in front of one echo backend; `fields` add to its body. */
export async function startEchoService(fields: Record<string, unknown> = {}): Promise<EchoService> {
  const t = await startApp();
  const echo = await startEchoServer();
  const port = await freePort();
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'db',
    listen: `127.0.0.1:${port}`,
    healthCheck: { type: 'none' },
    backends: [{ address: `127.0.0.1:${echo.port}` }],
    ...fields,
  });
  expect(res.statusCode).toBe(201);
  return { t, echo, port, service: res.json<ServiceDto>() };
}
