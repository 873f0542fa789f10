// Real servers on loopback for engine tests. No mocks: every byte crosses real sockets.
import net from 'node:net';
import { once } from 'node:events';
import type { BackendConfig, EngineConfig, ServiceConfig } from '../src/config.ts';
import { BACKEND_DEFAULTS, HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS } from '../src/config.ts';

export interface TestServer {
  server: net.Server;
  port: number;
  sockets: Set<net.Socket>;
  accepted: number;
  close(): Promise<void>;
}

/** Starts a TCP server on 127.0.0.1:0 running `onSocket` for each connection. */
export async function startServer(onSocket: (s: net.Socket) => void, opts: net.ServerOpts = {}): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const t: TestServer = {
    server: net.createServer(opts, (s) => {
      t.accepted++;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
      onSocket(s);
    }),
    port: 0,
    sockets,
    accepted: 0,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => t.server.close(() => r()));
    },
  };
  t.server.listen(0, '127.0.0.1');
  await once(t.server, 'listening');
  t.port = (t.server.address() as net.AddressInfo).port;
  return t;
}

/** Echo server (half-close aware: echoes, then ends after the client's FIN). */
export function startEcho(): Promise<TestServer> {
  return startServer((s) => s.pipe(s), { allowHalfOpen: true });
}

/** A port with nothing listening (bound then closed). */
export async function deadPort(): Promise<number> {
  const s = net.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let seq = 0;

/** A backend config with defaults. */
export function backend(port: number, over: Partial<BackendConfig> = {}): BackendConfig {
  return { id: ++seq, host: '127.0.0.1', port, ...BACKEND_DEFAULTS, ...over };
}

/** A service config on an ephemeral port with health checks off (tests drive health explicitly). */
export function service(backends: BackendConfig[], over: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    id: ++seq,
    name: `svc${seq}`,
    host: '127.0.0.1',
    port: 0,
    ...SERVICE_DEFAULTS,
    healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'none', passiveFailures: 0 },
    backends,
    ...over,
  };
}

export function config(...services: ServiceConfig[]): EngineConfig {
  return { services };
}

/** Connects a client to 127.0.0.1:port; resolves once connected. */
export async function connect(port: number, opts: { allowHalfOpen?: boolean } = {}): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: opts.allowHalfOpen ?? false });
  s.on('error', () => {});
  await once(s, 'connect');
  return s;
}

/** Sends `data`, optionally half-closes, and collects everything until the peer ends. */
export function exchange(port: number, data: Buffer, halfClose = true): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    s.on('error', reject);
    s.on('data', (c) => chunks.push(c));
    s.on('end', () => {
      s.end();
      resolve(Buffer.concat(chunks));
    });
    s.write(data);
    if (halfClose) s.end();
  });
}

/** Polls `cond` every 10 ms until true or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The next chunk `s` receives; rejects if `s` closes first (so a closed connection fails fast). */
export function nextData(s: net.Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (s.destroyed) return reject(new Error('socket already closed'));
    const onData = (d: Buffer): void => {
      s.off('close', onClose);
      resolve(d);
    };
    const onClose = (): void => {
      s.off('data', onData);
      reject(new Error('socket closed before any data'));
    };
    s.once('data', onData);
    s.once('close', onClose);
  });
}

/** Connects to `host:port` from source address `localAddress` (any 127.x.y.z, or ::1); resolves once connected. */
export async function connectFrom(port: number, localAddress: string, host = '127.0.0.1'): Promise<net.Socket> {
  const s = net.connect({ host, port, localAddress });
  s.on('error', () => {});
  await once(s, 'connect');
  return s;
}

/** True when the proxy relays a round trip for this client; false when it closes it without a byte. */
export async function served(s: net.Socket): Promise<boolean> {
  s.write('ping');
  try {
    return String(await nextData(s)) === 'ping';
  } catch {
    return false;
  }
}

/** True when `::1` can be bound here. */
export async function hasIpv6Loopback(): Promise<boolean> {
  const probe = net.createServer();
  const ok = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => resolve(true));
  });
  if (ok) await new Promise<void>((r) => probe.close(() => r()));
  return ok;
}
