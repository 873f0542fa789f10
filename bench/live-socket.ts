// A minimal WebSocket client for Fulcrum's /api/live, just enough for a benchmark: the opening
// handshake with an `Authorization` header (Node 20 has no WebSocket client, and the bench keeps
// no dependency of its own), unmasked server frames (text, fragments, ping, close) and masked
// pong/close replies. Each text message is handed over with the time its last byte was read.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Bigger messages mean a bug or the wrong server; refuse rather than buffer them. */
const MAX_MESSAGE = 16 * 1024 * 1024;

/** What a LiveSocket reports: each text message (with its arrival time) and the end. */
export interface LiveHandlers {
  message(text: string, at: number): void;
  close(reason: string): void;
}

/** An open connection to /api/live. */
export class LiveSocket {
  readonly #socket: Socket;
  readonly #handlers: LiveHandlers;
  #buffer: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #closed = false;
  /** Why the connection ended (undefined while open). */
  closeReason: string | undefined;

  private constructor(socket: Socket, handlers: LiveHandlers) {
    this.#socket = socket;
    this.#handlers = handlers;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('error', (err) => this.#ended(`socket error: ${err.message}`));
    socket.on('close', () => this.#ended('connection closed'));
  }

  /** Opens `ws://host:port/path`; rejects on a non-101 answer or after `timeoutMs`. */
  static connect(
    url: string,
    token: string,
    handlers: LiveHandlers,
    timeoutMs = 10_000,
  ): Promise<LiveSocket> {
    const { hostname, port, pathname, search } = new URL(url);
    const key = randomBytes(16).toString('base64');
    const expected = createHash('sha1').update(key + GUID).digest('base64');
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: hostname, port: Number(port), path: pathname + search, timeout: timeoutMs,
        headers: {
          connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13',
          'sec-websocket-key': key, authorization: `Bearer ${token}`,
        },
      });
      req.once('timeout', () => req.destroy(new Error(`no WebSocket upgrade from ${url} within ${timeoutMs} ms`)));
      req.once('error', reject);
      req.once('response', (res) => {
        res.resume();
        reject(new Error(`${url}: HTTP ${res.statusCode} instead of a WebSocket upgrade`));
      });
      req.once('upgrade', (res, socket, head) => {
        req.setTimeout(0);
        if (res.headers['sec-websocket-accept'] !== expected) {
          socket.destroy();
          reject(new Error(`${url}: wrong Sec-WebSocket-Accept`));
          return;
        }
        const live = new LiveSocket(socket, handlers);
        resolve(live);
        if (head.length > 0) live.#read(head);
      });
      req.end();
    });
  }

  /** Sends a close frame and ends the connection. */
  close(): void {
    if (!this.#closed) this.#send(0x8, Buffer.from([0x03, 0xe8])); // 1000: normal closure
    this.#ended('closed by the bench');
    this.#socket.end();
    this.#socket.destroy();
  }

  #ended(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.closeReason = reason;
    this.#handlers.close(reason);
  }

  #read(chunk: Buffer): void {
    const at = performance.now();
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const frame = this.#frame();
      if (!frame) return;
      this.#handle(frame.fin, frame.opcode, frame.payload, at);
      if (this.#closed) return;
    }
  }

  /** The next complete frame off the buffer, or undefined if it has not all arrived yet. */
  #frame(): { fin: boolean; opcode: number; payload: Buffer } | undefined {
    const b = this.#buffer;
    if (b.length < 2) return undefined;
    if ((b[1]! & 0x80) !== 0) return this.#fail('the server masked a frame');
    let length = b[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(MAX_MESSAGE)) return this.#fail(`a ${big}-byte frame`);
      length = Number(big);
      offset = 10;
    }
    if (b.length < offset + length) return undefined;
    this.#buffer = b.subarray(offset + length);
    return { fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload: b.subarray(offset, offset + length) };
  }

  #handle(fin: boolean, opcode: number, payload: Buffer, at: number): void {
    switch (opcode) {
      case 0x0: // continuation
      case 0x1: // text
      case 0x2: { // binary (not expected; treated like text)
        this.#fragments.push(payload);
        if (this.#fragments.reduce((n, f) => n + f.length, 0) > MAX_MESSAGE) return void this.#fail('message too large');
        if (!fin) return;
        const text = Buffer.concat(this.#fragments).toString('utf8');
        this.#fragments = [];
        this.#handlers.message(text, at);
        return;
      }
      case 0x8: { // close
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.#send(0x8, payload.subarray(0, 2));
        this.#ended(`closed by the server (code ${code}${payload.length > 2 ? `: ${payload.subarray(2).toString('utf8')}` : ''})`);
        this.#socket.end();
        return;
      }
      case 0x9: // ping
        this.#send(0xa, payload);
        return;
      default: // pong or reserved: nothing to do
        return;
    }
  }

  #fail(reason: string): undefined {
    this.#ended(`protocol error: ${reason}`);
    this.#socket.destroy();
    return undefined;
  }

  /** One masked frame (clients must mask); control payloads are under 126 bytes. */
  #send(opcode: number, payload: Buffer): void {
    if (this.#closed || payload.length > 125) return;
    const mask = randomBytes(4);
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i]! ^= mask[i % 4]!;
    this.#socket.write(Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | masked.length]), mask, masked]));
  }
}
