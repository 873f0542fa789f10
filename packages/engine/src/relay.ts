// The byte pump of an established connection: relaying bytes between its two libuv handles
// (both directions, backpressure, FIN forwarding). Every state change — FIN received, FIN
// sent, an error — is handed to the connection (connection.ts), which owns the lifecycle.
//
// Hot path (docs/DESIGN.md, "Why raw handles"): every handle reads into one module-level
// buffer; a chunk leaves it before the read handler returns (as a string, or a copy when
// big), so the next read anywhere may reuse it. Writes go out together at the end of the
// event-loop turn. A write that had to queue stops the side that produced it until the peer
// has taken everything. Handlers are module-level functions that find their Connection
// through a symbol on the handle: no closure, stream or emitter per connection, and per chunk
// two counters, one string and one write call.
import type { Backend } from './backend.ts';
import type { Connection } from './connection.ts';
import { Side, canRead } from './connection-state.ts';
import {
  LAST_WRITE_WAS_ASYNC, READ_BYTES_OR_ERROR, UV_EOF,
  newShutdownRequest, newWriteRequest, streamState, type TcpHandle, type UvRequest,
} from './tcp-handle.ts';

const kConn = Symbol('fulcrum.connection');
type TaggedHandle = TcpHandle & { [kConn]: Connection };
/** A write request remembers which handle to resume when it completes late, and its bytes. */
type WriteRequest = UvRequest & { src: TcpHandle | null; data: Uint8Array | null };

/** The one read buffer of the process (libuv's 64 KiB read size). */
const READ_BUFFER = Buffer.allocUnsafeSlow(64 * 1024) as Buffer & { latin1Slice(start: number, end: number): string };
/** The same memory as a plain Uint8Array, so slice() copies (Buffer#slice would not). */
const READ_VIEW = new Uint8Array(READ_BUFFER.buffer, READ_BUFFER.byteOffset, READ_BUFFER.length);
/**
 * Chunks up to this size go out as latin1 strings: Node writes them from its 16 KiB stack
 * buffer and copies only what the kernel did not take. Bigger chunks are copied once.
 */
const STRING_WRITE_MAX = 16 * 1024;

/** Marks `handle` as one side of `c`: every handler finds its connection this way. */
export function tag(handle: TcpHandle, c: Connection): void {
  (handle as TaggedHandle)[kConn] = c;
}

export function connOf(handle: TcpHandle): Connection {
  return (handle as TaggedHandle)[kConn];
}

/** Both handles are connected: start relaying. */
export function startRelay(c: Connection): void {
  const client = c.client;
  const up = c.upstream as TcpHandle;
  client.useUserBuffer(READ_VIEW);
  up.useUserBuffer(READ_VIEW);
  client.onread = onRead;
  up.onread = onRead;
  if (client.readStart() !== 0) c.fail('client-error');
  else if (up.readStart() !== 0) c.fail('backend-error');
}

let writeRequest = newWriteRequestFor();

function newWriteRequestFor(): WriteRequest {
  const req = newWriteRequest() as WriteRequest;
  req.oncomplete = afterWrite;
  req.src = null;
  req.data = null;
  return req;
}

function onRead(this: TcpHandle): undefined {
  const n = streamState[READ_BYTES_OR_ERROR] as number;
  const c = connOf(this);
  const fromClient = this === c.client;
  if (n > 0) {
    const backend = c.backend as Backend;
    let dst: TcpHandle;
    if (fromClient) {
      backend.bytesIn += n;
      dst = c.upstream as TcpHandle;
    } else {
      backend.bytesOut += n;
      dst = c.client;
    }
    if (c.idleMs > 0) c.lastActive = performance.now();
    // The chunk leaves the shared buffer now: as a string, or as a copy when big.
    enqueue(dst, n <= STRING_WRITE_MAX ? READ_BUFFER.latin1Slice(0, n) : READ_VIEW.slice(0, n), this);
    return undefined;
  }
  if (n === UV_EOF) {
    // FIN: forward it after the data before it, keep relaying the other direction (half-close).
    c.onReadEnd(this);
    enqueue(fromClient ? c.upstream as TcpHandle : c.client, null, this);
  } else if (n < 0) c.fail(fromClient ? 'client-error' : 'backend-error');
  return undefined;
}

// Writes wait for the end of the current event-loop turn (setImmediate runs right after
// libuv's poll phase) and then go out together, as HAProxy sends after collecting a poll's
// events. Measured: fewer wakeups for the balancer and its peers, ~10 % less CPU per request.
// FIN travels through the same queue, so it never overtakes data. Parallel arrays, reused:
// no allocation per chunk but the string.
const outDst: (TcpHandle | null)[] = [];
const outData: (string | Uint8Array | null)[] = [];
const outSrc: (TcpHandle | null)[] = [];
let outLength = 0;

/** Queues `data` (null = FIN) from `src` for `dst`. */
function enqueue(dst: TcpHandle, data: string | Uint8Array | null, src: TcpHandle): void {
  if (outLength === 0) setImmediate(flush);
  outDst[outLength] = dst;
  outData[outLength] = data;
  outSrc[outLength] = src;
  outLength++;
}

function flush(): void {
  const n = outLength;
  outLength = 0;
  for (let i = 0; i < n; i++) {
    const dst = outDst[i] as TcpHandle;
    const data = outData[i] as string | Uint8Array | null;
    const src = outSrc[i] as TcpHandle;
    outDst[i] = outData[i] = outSrc[i] = null;
    const c = connOf(dst);
    const toClient = dst === c.client;
    // Torn down since (error, drain timeout, shutdown): its queued bytes have nowhere to go.
    if ((toClient ? c.clientState : c.upstreamState) >= Side.Closing) continue;
    if (data === null) shutdown(dst);
    else write(c, dst, data, src, toClient);
  }
}

function write(c: Connection, dst: TcpHandle, data: string | Uint8Array, src: TcpHandle, toClient: boolean): void {
  const req = writeRequest;
  req.src = src;
  let err: number;
  if (typeof data === 'string') err = dst.writeLatin1String(req, data);
  else {
    // libuv may keep writing from the copy after we return: the request holds it alive.
    req.data = data;
    err = dst.writeBuffer(req, data);
  }
  if (err !== 0) c.fail(toClient ? 'client-error' : 'backend-error');
  else if (streamState[LAST_WRITE_WAS_ASYNC] !== 0) {
    // The request now belongs to libuv until it completes; stop the producer meanwhile.
    writeRequest = newWriteRequestFor();
    if (toClient) {
      if (c.upstreamState < Side.Closing && !c.upstreamPaused) {
        c.upstreamPaused = true;
        src.readStop();
      }
    } else if (c.clientState < Side.Closing && !c.clientPaused) {
      c.clientPaused = true;
      src.readStop();
    }
    return;
  }
  req.src = null;
  req.data = null;
}

function afterWrite(this: UvRequest, status: number, dst: TcpHandle): void {
  const req = this as WriteRequest;
  const src = req.src as TcpHandle;
  req.src = null;
  req.data = null;
  const c = connOf(dst);
  const toClient = dst === c.client;
  if ((toClient ? c.clientState : c.upstreamState) >= Side.Closing) return;
  if (status < 0) {
    c.fail(toClient ? 'client-error' : 'backend-error');
    return;
  }
  // Several writes may have queued (one flush, one producer): resume once all are out.
  if (dst.writeQueueSize !== 0) return;
  if (toClient) {
    if (!c.upstreamPaused) return;
    c.upstreamPaused = false;
    if (canRead(c.upstreamState) && src.readStart() !== 0) c.fail('backend-error');
  } else {
    if (!c.clientPaused) return;
    c.clientPaused = false;
    if (canRead(c.clientState) && src.readStart() !== 0) c.fail('client-error');
  }
}

function shutdown(handle: TcpHandle): void {
  const req = newShutdownRequest();
  req.oncomplete = afterShutdown;
  if (handle.shutdown(req) !== 0) {
    const c = connOf(handle);
    c.fail(handle === c.client ? 'client-error' : 'backend-error');
  }
}

function afterShutdown(this: UvRequest, status: number, handle: TcpHandle): void {
  connOf(handle).onWriteEnd(handle, status);
}
