// One proxied client connection: from accept, through backend selection and connect (with
// retries), to splicing both sockets and tearing down exactly once.
//
// Hot-path rules: every socket handler is a module-level function that finds its Connection
// through a symbol on the socket (no closure per connection); per chunk we only add to two
// counters and write; backpressure pauses the side that reads faster.
import type { Socket } from 'node:net';
import type { Backend } from './backend.ts';
import type { Service } from './service.ts';
import type { PickContext } from './strategy.ts';
import { connectBackend } from './connector.ts';
import { ewma } from './ewma.ts';
import { connectionCloseChannel, type CloseReason } from './diagnostics.ts';

const kConn = Symbol('fulcrum.connection');
type TaggedSocket = Socket & { [kConn]: Connection };

/** Why a connect attempt failed, in the words passive health checks report. */
export type ConnectFailure = 'connect refused' | 'connect timeout' | 'connect reset' | 'connect error';

/** Weight of a new connect-time sample in the backend's EWMA. */
const CONNECT_EWMA_ALPHA = 0.3;
/** A socket whose peer closed cleanly gets this long to flush before it is destroyed. */
const LINGER_MS = 30_000;

export class Connection implements PickContext {
  readonly service: Service;
  readonly client: Socket;
  exclude: Set<Backend> | null = null;
  backend: Backend | null = null;
  upstream: Socket | null = null;
  connected = false;
  clientClosed = false;
  upstreamClosed = false;
  finalized = false;
  /** First cause of the teardown wins; null = a normal close. */
  reason: CloseReason | null = null;
  /** When and from where the client came: taken only when the close channel is observed. */
  readonly acceptedAt: number;
  readonly peer: string | null;
  attempts = 0;
  connectStart = 0;
  lastFailure: ConnectFailure = 'connect error';
  /** Queue bookkeeping (only while waiting for a free backend slot). */
  queueTimer: NodeJS.Timeout | null = null;
  // Intrusive list links of the backend's connection list.
  prev: Connection | null = null;
  next: Connection | null = null;

  constructor(service: Service, client: Socket) {
    this.service = service;
    this.client = client;
    (client as TaggedSocket)[kConn] = this;
    // The address is gone once the socket closes, and reading it costs a getpeername(2):
    // take it now, and only if someone listens.
    const observed = connectionCloseChannel.hasSubscribers;
    this.acceptedAt = observed ? performance.now() : 0;
    this.peer = observed ? `${client.remoteAddress ?? '?'}:${client.remotePort ?? 0}` : null;
    client.on('error', onSocketError);
    client.on('close', onClientClose);
  }

  /** Client IP, read lazily: only hash strategies need it, and it costs a getpeername(2). */
  get clientAddress(): string {
    return this.client.remoteAddress ?? '';
  }

  /** Starts a connect attempt to `backend`; the backend's slot is taken now. */
  connect(backend: Backend): void {
    this.backend = backend;
    this.attempts++;
    backend.localActive++;
    backend.link(this);
    this.connectStart = performance.now();
    const up = connectBackend(backend.host, backend.port, this.service.config.connectTimeoutMs);
    (up as TaggedSocket)[kConn] = this;
    this.upstream = up;
    this.upstreamClosed = false;
    up.once('connect', onUpstreamConnect);
    up.on('error', onUpstreamError);
    up.on('timeout', onUpstreamTimeout);
    up.on('close', onUpstreamClose);
  }

  /** Closes both sides at once (drain timeout, closeOnDown, shutdown, idle timeout). */
  destroy(): void {
    this.reason ??= 'destroyed';
    this.client.destroy();
    if (this.upstream !== null) this.upstream.destroy();
  }

  /** Runs exactly once, when the client and the current upstream (if any) are both closed. */
  finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    if (connectionCloseChannel.hasSubscribers) this.publishClose();
    this.service.onConnectionEnd(this);
  }

  private publishClose(): void {
    const client = this.client;
    connectionCloseChannel.publish({
      serviceId: this.service.id,
      client: this.peer ?? '?:0',
      backend: this.connected && this.backend !== null ? this.backend.address : null,
      durationMs: this.peer === null ? 0 : Math.round(performance.now() - this.acceptedAt),
      bytesIn: client.bytesRead,
      bytesOut: client.bytesWritten,
      reason: this.reason ?? (this.connected ? 'closed' : 'client-gone'),
    });
  }

  /** Releases the backend slot taken by connect(). */
  releaseBackend(): Backend | null {
    const b = this.backend;
    if (b === null) return null;
    this.backend = null;
    b.localActive--;
    b.unlink(this);
    return b;
  }
}

function connOf(socket: Socket): Connection {
  return (socket as TaggedSocket)[kConn];
}

function onSocketError(this: Socket): void {
  // The error itself carries nothing we act on: 'close' (with hadError) follows and does the work.
}

function onUpstreamError(this: Socket, err: NodeJS.ErrnoException): void {
  const c = connOf(this);
  if (!c.connected && this === c.upstream) {
    c.lastFailure = err.code === 'ECONNREFUSED' ? 'connect refused' : err.code === 'ECONNRESET' ? 'connect reset' : 'connect error';
  }
}

function onUpstreamTimeout(this: Socket): void {
  const c = connOf(this);
  if (!c.connected) {
    c.lastFailure = 'connect timeout';
    this.destroy();
  } else {
    // Linger after the client side closed: the backend stopped reading.
    c.destroy();
  }
}

function onUpstreamConnect(this: Socket): void {
  const c = connOf(this);
  if (this !== c.upstream) return;
  const client = c.client;
  if (c.clientClosed) {
    this.destroy();
    return;
  }
  c.connected = true;
  this.setTimeout(0);
  const backend = c.backend as Backend;
  backend.connectTimeEwmaMs = ewma(backend.connectTimeEwmaMs, performance.now() - c.connectStart, CONNECT_EWMA_ALPHA);
  c.service.onConnected(backend);
  // Splice: both directions with backpressure, FIN forwarded (half-close).
  client.on('data', onClientData);
  client.on('end', onClientEnd);
  client.on('timeout', onClientTimeout);
  this.on('data', onUpstreamData);
  this.on('end', onUpstreamEnd);
  this.on('drain', onUpstreamDrain);
  client.on('drain', onClientDrain);
  const idle = c.service.config.idleTimeoutMs;
  // One timer per connection: the client socket's timer is refreshed by reads (client→backend
  // traffic) and by writes (backend→client traffic), so it measures idleness both ways.
  if (idle > 0) client.setTimeout(idle);
  client.resume();
}

function onClientData(this: Socket, chunk: Buffer): void {
  const c = connOf(this);
  (c.backend as Backend).bytesIn += chunk.length;
  if (!(c.upstream as Socket).write(chunk)) this.pause();
}

function onUpstreamData(this: Socket, chunk: Buffer): void {
  const c = connOf(this);
  (c.backend as Backend).bytesOut += chunk.length;
  if (!c.client.write(chunk)) this.pause();
}

function onUpstreamDrain(this: Socket): void {
  connOf(this).client.resume();
}

function onClientDrain(this: Socket): void {
  const up = connOf(this).upstream;
  if (up !== null) up.resume();
}

function onClientEnd(this: Socket): void {
  // Client sent FIN: forward it, keep relaying the backend's reply.
  const up = connOf(this).upstream;
  if (up !== null) up.end();
}

function onUpstreamEnd(this: Socket): void {
  connOf(this).client.end();
}

function onClientTimeout(this: Socket): void {
  const c = connOf(this);
  c.reason ??= 'idle-timeout';
  c.destroy();
}

function onClientClose(this: Socket, hadError: boolean): void {
  const c = connOf(this);
  c.clientClosed = true;
  if (hadError) c.reason ??= 'client-error';
  c.service.dequeue(c);
  const up = c.upstream;
  if (up === null || c.upstreamClosed) {
    c.finalize();
    return;
  }
  if (!c.connected || hadError) up.destroy();
  // Clean close: the backend already got our FIN; give it LINGER_MS to finish flushing.
  else up.setTimeout(LINGER_MS);
}

function onUpstreamClose(this: Socket, hadError: boolean): void {
  const c = connOf(this);
  if (this !== c.upstream) return;
  c.upstreamClosed = true;
  if (!c.connected) {
    c.service.onConnectFailed(c);
    return;
  }
  if (c.clientClosed) {
    c.finalize();
    return;
  }
  if (hadError) {
    c.reason ??= 'backend-error';
    c.client.destroy();
  } else c.client.setTimeout(LINGER_MS);
}
