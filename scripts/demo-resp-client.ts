// One client connection for the demo load: connect with a timeout, send one command at a time,
// wait for its whole reply. Any socket trouble rejects the pending command.
import net from 'node:net';
import { decodeReply, encodeCommand, encodeInline } from './demo-resp.ts';
import type { RespValue } from './demo-resp.ts';

/** Why a command or a connection attempt failed. */
export class DemoClientError extends Error {
  constructor(
    readonly code: 'DEMO_CONNECT_FAILED' | 'DEMO_CONNECTION_CLOSED' | 'DEMO_TIMEOUT' | 'DEMO_BUSY',
    message: string,
  ) {
    super(message);
    this.name = 'DemoClientError';
  }
}

interface Pending {
  resolve(value: RespValue): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** A RESP connection with at most one command in flight. */
export class RespConnection {
  #socket: net.Socket;
  #buffered: Buffer = Buffer.alloc(0);
  #pending: Pending | undefined;
  #closed = false;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => this.#fail(new DemoClientError('DEMO_CONNECTION_CLOSED', 'connection closed')));
    socket.on('error', (err) => this.#fail(new DemoClientError('DEMO_CONNECTION_CLOSED', err.message)));
  }

  /** Connects to host:port, failing after `timeoutMs`. */
  static connect(host: string, port: number, timeoutMs: number): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new DemoClientError('DEMO_TIMEOUT', `connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RespConnection(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new DemoClientError('DEMO_CONNECT_FAILED', err.message));
      });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends a command and resolves with its reply (a `-ERR` reply resolves as RespErrorReply). */
  command(args: readonly string[], opts: { inline?: boolean; timeoutMs?: number } = {}): Promise<RespValue> {
    if (this.#closed) return Promise.reject(new DemoClientError('DEMO_CONNECTION_CLOSED', 'connection closed'));
    if (this.#pending) return Promise.reject(new DemoClientError('DEMO_BUSY', 'a command is already in flight'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(new DemoClientError('DEMO_TIMEOUT', `no reply to ${args[0]} in time`));
      }, opts.timeoutMs ?? 2000);
      this.#pending = { resolve, reject, timer };
      this.#socket.write(opts.inline ? encodeInline(args) : encodeCommand(args));
    });
  }

  /** Ends the connection politely (FIN); the socket closes when the peer ends too. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.end();
    // Never wait on a peer that does not answer.
    setTimeout(() => this.#socket.destroy(), 1000).unref();
  }

  /** Closes at once and fails a pending command. */
  destroy(): void {
    this.#fail(new DemoClientError('DEMO_CONNECTION_CLOSED', 'connection destroyed'));
  }

  #onData(chunk: Buffer): void {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    let decoded;
    try {
      decoded = decodeReply(this.#buffered);
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    if (!decoded) return;
    this.#buffered = this.#buffered.subarray(decoded.length);
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.resolve(decoded.value);
    }
  }

  #fail(err: Error): void {
    this.#closed = true;
    this.#socket.destroy();
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(err);
    }
  }
}
