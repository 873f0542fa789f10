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
import type { Connection, Endpoint } from './connection.ts';
import { Side, canRead } from './connection-state.ts';
import {
  READ_EOF, WRITE_PENDING,
  bulkChunk, endBulk, isBulkRead, leaveBulk, newWriteRequest, ownerOf, readResult, shutdownHandle, startBulk,
  startReading, takeChunk, writeChunk,
  type TcpHandle, type UvRequest, type WriteRequest,
} from './tcp-handle.ts';

// The native relay's half of ConnectionIo (connector.ts has the rest): a connection's
// endpoints are TcpHandles here, so the casts below cost nothing at run time.

/**
 * Both handles are connected: start relaying. `first` (a PROXY protocol header for the backend)
 * is queued before anything the client sends from now on, then the client bytes a preface read
 * took (an SNI peek's ClientHello, the data after an accepted PROXY header); both are built once
 * per connection, so the per-chunk path is unchanged.
 */
export function startRelay(c: Connection, first: string | null): void {
  if (first !== null) enqueue(c.upstream as TcpHandle, first, c.client as TcpHandle);
  const preface = c.preface;
  if (preface !== null) {
    c.preface = null;
    (c.backend as Backend).bytesIn += preface.length;
    enqueue(c.upstream as TcpHandle, preface, c.client as TcpHandle);
  }
  if (startReading(c.client as TcpHandle, onRead) !== 0) c.fail('client-error');
  else if (startReading(c.upstream as TcpHandle, onFirstBackendRead) !== 0) c.fail('backend-error');
}

/**
 * The backend's reads until its first byte: passive health needs to know whether it spoke
 * before it reset or closed. After the first byte the handle reads through onRead itself, so
 * the chunks after it cost nothing extra.
 */
function onFirstBackendRead(this: TcpHandle): Uint8Array | undefined {
  const n = readResult();
  // Before onRead, which may switch the handle to the bulk handler.
  if (n > 0) this.onread = onRead;
  const next = onRead.call(this);
  if (n > 0) ownerOf<Connection>(this).onBackendFirstByte();
  return next;
}

/** One request serves every write that completes at once; a queued write keeps its own. */
let writeRequest = newWriteRequest(afterWrite);

function onRead(this: TcpHandle): Uint8Array | undefined {
  const n = readResult();
  const c = ownerOf<Connection>(this);
  if (n > 0) {
    enqueue(relayed(c, this, n), takeChunk(n), this);
    if (!isBulkRead(n)) return undefined;
    // This side sends in bulk: its next reads go to a buffer of its own (see tcp-handle.ts).
    this.onread = onBulkRead;
    return startBulk(this);
  }
  readEnded(c, this, n);
  return undefined;
}

/** Counts `n` bytes read from `src` and answers the handle they go to. */
function relayed(c: Connection, src: TcpHandle, n: number): TcpHandle {
  const backend = c.backend as Backend;
  if (c.idleMs > 0) c.lastActive = performance.now();
  if (src === c.client) {
    backend.bytesIn += n;
    return c.upstream as TcpHandle;
  }
  backend.bytesOut += n;
  return c.client as TcpHandle;
}

/**
 * The read handler of a side sending in bulk: each chunk is written at once from the side's
 * own buffer, after whatever is queued (so nothing is overtaken); a write that has to wait
 * stops this side until it is out, so the next read cannot overwrite it. The first small read
 * ends the burst.
 */
function onBulkRead(this: TcpHandle): Uint8Array | undefined {
  const n = readResult();
  const c = ownerOf<Connection>(this);
  if (n <= 0) {
    readEnded(c, this, n);
    return undefined;
  }
  const dst = relayed(c, this, n);
  if (!isBulkRead(n)) {
    this.onread = onRead;
    const { chunk, next } = endBulk(this, n);
    enqueue(dst, chunk, this);
    return next;
  }
  if (outLength > 0) flush();
  const toClient = dst === c.client;
  if ((toClient ? c.clientState : c.upstreamState) < Side.Closing) write(c, dst, bulkChunk(this, n), this, toClient);
  return undefined;
}

/** A read that brought no bytes: FIN, or an error. */
function readEnded(c: Connection, src: TcpHandle, n: number): void {
  const fromClient = src === c.client;
  if (n === READ_EOF) {
    // FIN: forward it after the data before it, keep relaying the other direction (half-close).
    c.onReadEnd(src);
    enqueue((fromClient ? c.upstream : c.client) as TcpHandle, null, src);
  } else if (n < 0) c.fail(fromClient ? 'client-error' : 'backend-error');
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
  // A bulk buffer may still be in a queued write to the backend: dropped reads go elsewhere.
  const client = c.client as TcpHandle;
  leaveBulk(client);
  client.onread = onDiscardRead;
  if (!c.clientPaused) return 0;
  c.clientPaused = false;
  return client.readStart();
}

/** Queues FIN for `handle` behind what is already queued for it. */
export function endAfterQueued(c: Connection, handle: Endpoint): void {
  enqueue(handle as TcpHandle, null, (handle === c.client ? c.upstream : c.client) as TcpHandle);
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

/**
 * Our FIN for `handle`. When its peer already sent its own FIN (ReadEnded: nothing is left to
 * read, so a close cannot turn into a reset) and every byte for it has reached the kernel
 * (writeQueueSize 0), closing it sends the same FIN after the same bytes: the connection is
 * done that way, and the shutdown request, its system call and its completion callback are
 * saved, as HAProxy closes without a shutdown there. Measured on connection churn
 * (docs/BENCHMARKS.md).
 */
function shutdown(c: Connection, handle: TcpHandle, toClient: boolean): void {
  if ((toClient ? c.clientState : c.upstreamState) === Side.ReadEnded && handle.writeQueueSize === 0) {
    c.onWriteEnd(handle, 0);
    return;
  }
  if (shutdownHandle(handle, afterShutdown) !== 0) c.fail(toClient ? 'client-error' : 'backend-error');
}

function afterShutdown(this: UvRequest, status: number, handle: TcpHandle): void {
  ownerOf<Connection>(handle).onWriteEnd(handle, status);
}
