// One proxied client connection: from accept, through backend selection and connect (with
// retries) and its one timer (connect, idle, linger), to the single finalize. Both sides are
// libuv TCP handles, not net.Sockets (docs/DESIGN.md, "Why raw handles"); relay.ts moves the
// bytes between them and closes them.
import type { Backend } from './backend.ts';
import type { Service } from './service.ts';
import type { PickContext } from './strategy.ts';
import { lookup } from 'node:dns';
import { startConnect, tuneSocket } from './connector.ts';
import { ewma } from './ewma.ts';
import { connectionCloseChannel, type CloseReason } from './diagnostics.ts';
import { closeClient, closeUpstream, connOf, startRelay, tag } from './relay.ts';
import { UV_ECONNREFUSED, UV_ECONNRESET, UV_ETIMEDOUT, newSocketHandle, type TcpHandle, type UvRequest } from './tcp-handle.ts';

/** Why a connect attempt failed, in the words passive health checks report. */
export type ConnectFailure = 'connect refused' | 'connect timeout' | 'connect reset' | 'connect error';

/** Weight of a new connect-time sample in the backend's EWMA. */
const CONNECT_EWMA_ALPHA = 0.3;
/** A side whose peer finished cleanly gets this long to flush before it is destroyed. */
const LINGER_MS = 30_000;

// What the one timer of a connection is counting down.
const TIMER_CONNECT = 1;
const TIMER_IDLE = 2;
const TIMER_LINGER = 3;

export class Connection implements PickContext {
  readonly service: Service;
  readonly client: TcpHandle;
  exclude: Set<Backend> | null = null;
  backend: Backend | null = null;
  upstream: TcpHandle | null = null;
  connected = false;
  // Per side: FIN received (eof), our FIN sent and acknowledged by libuv (shut), close()
  // called (closing), close callback ran (closed).
  clientEof = false;
  clientShut = false;
  clientClosing = false;
  clientClosed = false;
  upstreamEof = false;
  upstreamShut = false;
  upstreamClosing = false;
  upstreamClosed = false;
  /** Reading stopped because a write to the other side is still queued (backpressure). */
  clientPaused = false;
  upstreamPaused = false;
  finalized = false;
  /** First cause of the teardown wins; null = a normal close. */
  reason: CloseReason | null = null;
  /** When and from where the client came: taken only when the close channel is observed. */
  readonly acceptedAt: number;
  readonly peer: string | null;
  bytesIn = 0;
  bytesOut = 0;
  attempts = 0;
  connectStart = 0;
  lastFailure: ConnectFailure = 'connect error';
  /** Connect timeout, then idle timeout, then linger: one timer at a time. */
  timer: NodeJS.Timeout | null = null;
  timerKind = 0;
  idleMs = 0;
  /** performance.now() of the last relayed chunk (kept only when idleMs > 0). */
  lastActive = 0;
  /** Queue bookkeeping (only while waiting for a free backend slot). */
  queueTimer: NodeJS.Timeout | null = null;
  // Intrusive list links of the backend's connection list.
  prev: Connection | null = null;
  next: Connection | null = null;
  private address: string | null = null;

  constructor(service: Service, client: TcpHandle) {
    this.service = service;
    this.client = client;
    tag(client, this);
    tuneSocket(client);
    // The address is gone once the socket closes, and reading it costs a getpeername(2):
    // take it now, and only if someone listens.
    const observed = connectionCloseChannel.hasSubscribers;
    this.acceptedAt = observed ? performance.now() : 0;
    this.peer = observed ? peerOf(client) : null;
  }

  /** Client IP, read lazily: only hash strategies need it, and it costs a getpeername(2). */
  get clientAddress(): string {
    if (this.address === null) {
      const out: { address?: string } = {};
      this.client.getpeername(out);
      this.address = out.address ?? '';
    }
    return this.address;
  }

  /** Starts a connect attempt to `backend`; the backend's slot is taken now. */
  connect(backend: Backend): void {
    this.backend = backend;
    this.attempts++;
    backend.localActive++;
    backend.link(this);
    this.connectStart = performance.now();
    const up = newSocketHandle();
    tag(up, this);
    this.upstream = up;
    this.upstreamEof = this.upstreamShut = this.upstreamClosing = this.upstreamClosed = this.upstreamPaused = false;
    tuneSocket(up);
    const timeout = this.service.config.connectTimeoutMs;
    if (timeout > 0) arm(this, TIMER_CONNECT, timeout);
    if (backend.family !== 0) startConnect(up, backend.host, backend.port, backend.family, afterConnect);
    else this.resolveAndConnect(up, backend);
  }

  /** A backend named by host name: resolved per connection, as net.connect does. */
  private resolveAndConnect(up: TcpHandle, backend: Backend): void {
    lookup(backend.host, (err, address, family) => {
      if (this.upstream !== up || this.upstreamClosing) return;
      if (err !== null) {
        this.lastFailure = 'connect error';
        disarm(this);
        closeUpstream(this);
        return;
      }
      startConnect(up, address, backend.port, family, afterConnect);
    });
  }

  /** Closes both sides at once (drain timeout, closeOnDown, shutdown, idle timeout, reject). */
  destroy(): void {
    this.reason ??= 'destroyed';
    closeClient(this);
    closeUpstream(this);
  }

  /** One side finished cleanly: the other gets LINGER_MS to flush, then both are destroyed. */
  linger(): void {
    arm(this, TIMER_LINGER, LINGER_MS);
  }

  /** Runs exactly once, when the client and the current upstream (if any) are both closed. */
  finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    disarm(this);
    if (connectionCloseChannel.hasSubscribers) this.publishClose();
    this.service.onConnectionEnd(this);
  }

  private publishClose(): void {
    connectionCloseChannel.publish({
      serviceId: this.service.id,
      client: this.peer ?? '?:0',
      backend: this.connected && this.backend !== null ? this.backend.address : null,
      durationMs: this.peer === null ? 0 : Math.round(performance.now() - this.acceptedAt),
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
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

function peerOf(handle: TcpHandle): string {
  const out: { address?: string; port?: number } = {};
  handle.getpeername(out);
  return `${out.address ?? '?'}:${out.port ?? 0}`;
}

// ---- timers -------------------------------------------------------------------------------

function arm(c: Connection, kind: number, ms: number): void {
  if (c.timer !== null) clearTimeout(c.timer);
  c.timerKind = kind;
  c.timer = setTimeout(onTimer, ms, c);
}

function disarm(c: Connection): void {
  if (c.timer === null) return;
  clearTimeout(c.timer);
  c.timer = null;
}

function onTimer(c: Connection): void {
  c.timer = null;
  if (c.timerKind === TIMER_CONNECT) {
    c.lastFailure = 'connect timeout';
    closeUpstream(c);
  } else if (c.timerKind === TIMER_IDLE) {
    // Chunks only stamp lastActive; the timer re-arms for the rest of the window.
    const quiet = performance.now() - c.lastActive;
    if (quiet >= c.idleMs - 1) {
      c.reason ??= 'idle-timeout';
      c.destroy();
    } else arm(c, TIMER_IDLE, c.idleMs - quiet);
  } else c.destroy();
}

// ---- connect ------------------------------------------------------------------------------

function afterConnect(this: UvRequest, status: number, up: TcpHandle): void {
  const c = connOf(up);
  if (up !== c.upstream || c.upstreamClosing) return;
  if (status !== 0) {
    c.lastFailure = status === UV_ECONNREFUSED ? 'connect refused'
      : status === UV_ECONNRESET ? 'connect reset'
        : status === UV_ETIMEDOUT ? 'connect timeout' : 'connect error';
    disarm(c);
    closeUpstream(c);
    return;
  }
  if (c.clientClosing) {
    closeUpstream(c);
    return;
  }
  c.connected = true;
  disarm(c);
  const backend = c.backend as Backend;
  backend.connectTimeEwmaMs = ewma(backend.connectTimeEwmaMs, performance.now() - c.connectStart, CONNECT_EWMA_ALPHA);
  c.service.onConnected(backend);
  // One timer per connection measures idleness both ways: every relayed chunk stamps it.
  c.idleMs = c.service.config.idleTimeoutMs;
  if (c.idleMs > 0) {
    c.lastActive = performance.now();
    arm(c, TIMER_IDLE, c.idleMs);
  }
  startRelay(c);
}
