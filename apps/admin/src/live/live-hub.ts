// The WebSocket hub: every connected browser, and one serialization per broadcast.
// A slow consumer never makes us buffer without bound: while its socket has more than
// `maxBuffered` bytes queued, stats samples are skipped for it (the next one supersedes them),
// and a config or event message it cannot take closes it with 1013 so it reconnects and
// receives a fresh `hello` instead of silently missing a change.
import type { WebSocket } from 'ws';
import type { LiveCloseCode, LiveMessage } from '@fulcrum/shared/live-protocol';
import { LIVE_CLOSE_CODES } from '@fulcrum/shared/live-protocol';

const OPEN = 1;

export interface LiveHubOptions {
  /** Bytes queued on a socket beyond which it counts as slow (default 1 MiB). */
  maxBuffered?: number;
  /** Ping period; a client that has not answered the previous ping is dropped (default 30 s). */
  heartbeatMs?: number;
}

/** Tracks live sockets and broadcasts messages to them. */
export class LiveHub {
  readonly #clients = new Set<WebSocket>();
  /** The token each client authenticated with, so revoking it can close the client. */
  readonly #tokenOf = new WeakMap<WebSocket, number>();
  /** Clients that answered the last ping (or connected since). */
  readonly #alive = new WeakSet<WebSocket>();
  readonly #maxBuffered: number;
  readonly #heartbeatMs: number;
  #heartbeat: NodeJS.Timeout | undefined;
  #skipped = 0;

  constructor(opts: LiveHubOptions = {}) {
    this.#maxBuffered = opts.maxBuffered ?? 1024 * 1024;
    this.#heartbeatMs = opts.heartbeatMs ?? 30_000;
  }

  /** Starts pinging: a peer that vanished without closing is dropped within two periods. */
  start(): void {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => {
      for (const socket of this.#clients) {
        if (!this.#alive.has(socket)) {
          this.#clients.delete(socket);
          socket.terminate();
          continue;
        }
        this.#alive.delete(socket);
        socket.ping();
      }
    }, this.#heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Connected clients. */
  get size(): number {
    return this.#clients.size;
  }

  /** Stats messages not sent to slow clients, since start. */
  get skipped(): number {
    return this.#skipped;
  }

  /** Adds a socket (opened with token `tokenId`); it leaves the hub when it closes. */
  add(socket: WebSocket, tokenId?: number): void {
    this.#clients.add(socket);
    if (tokenId !== undefined) this.#tokenOf.set(socket, tokenId);
    this.#alive.add(socket);
    socket.on('pong', () => this.#alive.add(socket));
    socket.once('close', () => this.#clients.delete(socket));
  }

  /** Sends one message to one socket (e.g. `hello`). */
  send(socket: WebSocket, message: LiveMessage): void {
    this.#deliver(socket, JSON.stringify(message), message.type === 'stats');
  }

  /** Sends `message` to every client, serialized once. */
  broadcast(message: LiveMessage): void {
    if (this.#clients.size === 0) return;
    const data = JSON.stringify(message);
    const droppable = message.type === 'stats';
    for (const socket of this.#clients) this.#deliver(socket, data, droppable);
  }

  /** Closes every client (server shutdown). */
  closeAll(code: LiveCloseCode = LIVE_CLOSE_CODES.goingAway, reason = 'server shutting down'): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    for (const socket of this.#clients) socket.close(code, reason);
    this.#clients.clear();
  }

  /** Closes the clients that authenticated with token `tokenId` (it was revoked). */
  closeByToken(tokenId: number): void {
    for (const socket of this.#clients) {
      if (this.#tokenOf.get(socket) !== tokenId) continue;
      this.#clients.delete(socket);
      socket.close(LIVE_CLOSE_CODES.credentialsRevoked, 'token revoked');
    }
  }

  #deliver(socket: WebSocket, data: string, droppable: boolean): void {
    if (socket.readyState !== OPEN) return;
    if (socket.bufferedAmount > this.#maxBuffered) {
      if (droppable) {
        this.#skipped++;
        return;
      }
      this.#clients.delete(socket);
      socket.close(LIVE_CLOSE_CODES.tooSlow, 'too slow: reconnect for a fresh snapshot');
      return;
    }
    socket.send(data);
  }
}
