// The byte pump of an established connection: relaying bytes between its two handles (both
// directions, backpressure, FIN forwarding) through the adapter in tcp-handle.ts. Every state
// change — FIN received, FIN sent, an error — is handed to the connection (connection.ts),
// which owns the lifecycle.
//
// Hot path (docs/DESIGN.md, "Why raw handles"): every handle reads into one shared buffer; a
// chunk leaves it before the read handler returns (takeChunk: a string, or a copy when big),
// so the next read anywhere may reuse it. Writes go out together at the end of the
// event-loop turn. A write that had to queue stops the side that produced it until the peer
// has taken everything. Handlers are module-level functions that find their Connection
// through the handle's owner: no closure, stream or emitter per connection, and per chunk
// two counters, one string and one write call.
import type { Backend } from './backend.ts';
import type { Connection } from './connection.ts';
import { Side, canRead } from './connection-state.ts';
import {
  READ_EOF, WRITE_PENDING,
  newWriteRequest, ownerOf, readResult, shutdownHandle, startReading, takeChunk, writeChunk,
  type TcpHandle, type UvRequest, type WriteRequest,
} from './tcp-handle.ts';

/** Both handles are connected: start relaying. */
export function startRelay(c: Connection): void {
  if (startReading(c.client, onRead) !== 0) c.fail('client-error');
  else if (startReading(c.upstream as TcpHandle, onFirstBackendRead) !== 0) c.fail('backend-error');
}

/**
 * The backend's reads until its first byte: passive health needs to know whether it spoke
 * before it reset or closed. After the first byte the handle reads through onRead itself, so
 * the chunks after it cost nothing extra.
 */
function onFirstBackendRead(this: TcpHandle): undefined {
  const n = readResult();
  onRead.call(this);
  if (n > 0) {
    this.onread = onRead;
    ownerOf<Connection>(this).onBackendFirstByte();
  }
  return undefined;
}

/** One request serves every write that completes at once; a queued write keeps its own. */
let writeRequest = newWriteRequest(afterWrite);

function onRead(this: TcpHandle): undefined {
  const n = readResult();
  const c = ownerOf<Connection>(this);
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
    enqueue(dst, takeChunk(n), this);
    return undefined;
  }
  if (n === READ_EOF) {
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
    const c = ownerOf<Connection>(dst);
    const toClient = dst === c.client;
    // Torn down since (error, drain timeout, shutdown): its queued bytes have nowhere to go.
    if ((toClient ? c.clientState : c.upstreamState) >= Side.Closing) continue;
    if (data === null) shutdown(c, dst, toClient);
    else write(c, dst, data, src, toClient);
  }
}

function write(c: Connection, dst: TcpHandle, data: string | Uint8Array, src: TcpHandle, toClient: boolean): void {
  const req = writeRequest;
  req.src = src;
  const r = writeChunk(dst, req, data);
  if (r < 0) c.fail(toClient ? 'client-error' : 'backend-error');
  else if (r === WRITE_PENDING) {
    // The request now belongs to libuv until it completes; stop the producer meanwhile.
    writeRequest = newWriteRequest(afterWrite);
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
  const c = ownerOf<Connection>(dst);
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

// ---- ending (Connection.endGracefully) ------------------------------------------------------
// Off the hot path: an ending connection's client handle gets its own read handler, so onRead
// above stays as it is.

/** The client's bytes are read and dropped from now on; reading resumes if backpressure stopped it. */
export function discardClient(c: Connection): number {
  c.client.onread = onDiscardRead;
  if (!c.clientPaused) return 0;
  c.clientPaused = false;
  return c.client.readStart();
}

/** Queues FIN for `handle` behind what is already queued for it. */
export function endAfterQueued(c: Connection, handle: TcpHandle): void {
  enqueue(handle, null, handle === c.client ? c.upstream as TcpHandle : c.client);
}

function onDiscardRead(this: TcpHandle): undefined {
  const n = readResult();
  if (n >= 0) return undefined;
  const c = ownerOf<Connection>(this);
  // The client's FIN: the backend already has ours, so it is not forwarded.
  if (n === READ_EOF) c.onReadEnd(this);
  else c.fail('client-error');
  return undefined;
}

function shutdown(c: Connection, handle: TcpHandle, toClient: boolean): void {
  if (shutdownHandle(handle, afterShutdown) !== 0) c.fail(toClient ? 'client-error' : 'backend-error');
}

function afterShutdown(this: UvRequest, status: number, handle: TcpHandle): void {
  ownerOf<Connection>(handle).onWriteEnd(handle, status);
}
