// The WebSocket hub: every connected browser, and one serialization per broadcast.
// A slow consumer never makes us buffer without bound: while its socket has more than
// `maxBuffered` bytes queued, stats samples are skipped for it (the next one supersedes them),
// and a config or event message it cannot take closes it with 1013 so it reconnects and
// receives a fresh `hello` instead of silently missing a change.
// Each client is remembered with the credential it connected with, so that the end of that
// credential (logout, token revocation, session expiry) closes it at once: 4401 for a browser
// session, 1008 for a token.
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

/** What a client connected with: a token id, and the session id when it came with a session cookie. */
export interface LiveClientCredential {
  tokenId: number;
  sessionId?: string;
}

/** Tracks live sockets and broadcasts messages to them. */
export class LiveHub {
  readonly #clients = new Set<WebSocket>();
  /** The credential each client authenticated with, so its end can close the client. */
  readonly #credentialOf = new WeakMap<WebSocket, LiveClientCredential>();
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

  /** Adds a socket (opened with `credential`); it leaves the hub when it closes. */
  add(socket: WebSocket, credential?: LiveClientCredential): void {
    this.#clients.add(socket);
    if (credential !== undefined) this.#credentialOf.set(socket, credential);
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

  /** Closes the clients that connected with token `tokenId` or a session it opened (it was revoked). */
  closeByToken(tokenId: number): void {
    this.closeEnded((credential) => credential.tokenId === tokenId, 'token revoked');
  }

  /** Closes the clients that connected with session `sessionId` (logout). */
  closeSession(sessionId: string): void {
    this.closeEnded((credential) => credential.sessionId === sessionId, 'logged out');
  }

  /**
   * Closes every client whose credential `ended` says is over: with 4401 (session ended) when it
   * connected with a session, 1008 (credentials revoked) when with a token. Returns how many.
   */
  closeEnded(ended: (credential: LiveClientCredential) => boolean, reason = 'credentials no longer valid'): number {
    let closed = 0;
    for (const socket of this.#clients) {
      const credential = this.#credentialOf.get(socket);
      if (credential === undefined || !ended(credential)) continue;
      this.#clients.delete(socket);
      const code = credential.sessionId === undefined ? LIVE_CLOSE_CODES.credentialsRevoked : LIVE_CLOSE_CODES.sessionEnded;
      socket.close(code, credential.sessionId === undefined ? reason : `session ended: ${reason}`);
      closed++;
    }
    return closed;
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
