// Node's own libuv TCP handles: the layer `net.Socket` is built on. The data plane uses them
// directly because, measured (docs/DESIGN.md, "Why raw handles"), a `net.Socket` pair costs
// about twice HAProxy's CPU per proxied request: the stream machinery (Readable/Writable
// state, 'data' events, a fresh ArrayBuffer per read, a timer refresh per read and per write)
// is the bulk of it. With the handles we read every socket into one shared buffer, write with
// a reusable request object, and allocate nothing per chunk but a short string.
//
// These are `process.binding()` modules (DEP0111, a documentation-only deprecation), not a
// public API. native-bindings.ts loads and checks them once, when the engine loads, and
// native-probe.ts runs one loopback round trip through this adapter; where either fails, the
// engine runs the net.Socket relay (socket-relay.ts) instead, never this one. The rest of the
// native relay uses the small adapter at the end of this file (accept, connect, read, write,
// shutdown, close, owner), never the bindings' conventions (shared state arrays, request
// objects, user buffers) directly.
import type { Server } from 'node:net';
import { nativeBindings, type StreamWrapBinding, type TcpHandle, type TcpWrapBinding, type UvRequest } from './native-bindings.ts';
import { UV_EOF } from './uv-codes.ts';

export type { TcpHandle, UvRequest } from './native-bindings.ts';

/** The listening side: what net.Server keeps in `_handle` (a real TCPWrap, or cluster's round-robin stand-in). */
export interface ServerHandle {
  onconnection: (this: ServerHandle, status: number, client: TcpHandle | undefined) => void;
}

// Without usable bindings nothing below runs (the socket relay does): stand-ins keep the
// module loadable (relay.ts builds its first write request when it loads) and the hot path
// free of checks.
const tcp: TcpWrapBinding = nativeBindings?.tcp ?? ({} as TcpWrapBinding);
const stream: StreamWrapBinding = nativeBindings?.stream
  ?? ({ WriteWrap: Object, ShutdownWrap: Object, streamBaseState: new Int32Array(2), kReadBytesOrError: 0, kLastWriteWasAsync: 1 } as unknown as StreamWrapBinding);

/** Shared with C++: read result and last-write flags, valid right after the call that set them. */
const streamState = stream.streamBaseState;
const READ_BYTES_OR_ERROR = stream.kReadBytesOrError;
const LAST_WRITE_WAS_ASYNC = stream.kLastWriteWasAsync;

/** readResult() when the peer sent FIN. */
export const READ_EOF = UV_EOF;

// ---- the adapter --------------------------------------------------------------------------

/** A fresh, unconnected TCP handle. */
export const newSocketHandle = (): TcpHandle => new tcp.TCP(tcp.constants.SOCKET);

const kOwner = Symbol('fulcrum.owner');
type OwnedHandle = TcpHandle & { [kOwner]: unknown };

/** Marks `handle` (a TcpHandle, or the socket relay's net.Socket) as belonging to `owner`: module-level callbacks find it again with ownerOf(). */
export function setOwner(handle: object, owner: object): void {
  (handle as OwnedHandle)[kOwner] = owner;
}

/** The object setOwner() attached to `handle`. */
export function ownerOf<T extends object>(handle: object): T {
  return (handle as OwnedHandle)[kOwner] as T;
}

/** The listening TCP handle of `server`, or null when it has none of its own (cluster round-robin). */
export function listeningHandle(server: Server): TcpHandle | null {
  const handle = (server as unknown as { _handle: unknown })._handle;
  return nativeBindings !== null && handle instanceof tcp.TCP ? handle : null;
}

/**
 * Takes accepting over from net.Server: each accepted connection reaches `onClient` as the
 * bare libuv handle, and no net.Socket is ever built for it. net.Server still does what it is
 * good at: binding, cluster handle sharing, reusePort, close(). An accept error drops that one
 * connection attempt and goes to `onError` (a negative libuv code). Seen on Node 20's libuv
 * (1.46): accept errors never get here — on EMFILE libuv sheds pending connections itself, or
 * (no spare descriptor) retries in a busy loop — so this path is for the runtimes that report.
 */
export function acceptRaw(server: Server, onClient: (client: TcpHandle) => void, onError: (status: number) => void): void {
  const handle = (server as unknown as { _handle: ServerHandle | null })._handle;
  if (handle === null) throw new TypeError('acceptRaw() needs a listening server');
  handle.onconnection = (status, client) => {
    if (status === 0 && client !== undefined) onClient(client);
    else if (status < 0) onError(status);
  };
}

/**
 * Connects `handle` to an IP address. `oncomplete` runs once with 0 or a negative libuv error
 * code — also when the connect could not even start (then on the next turn of the loop, like
 * every other outcome).
 */
export function connectHandle(handle: TcpHandle, ip: string, port: number, family: number, oncomplete: UvCallback): void {
  const req = new tcp.TCPConnectWrap();
  req.oncomplete = oncomplete;
  const err = family === 6 ? handle.connect6(req, ip, port) : handle.connect(req, ip, port);
  if (err !== 0) setImmediate(failConnect, req, err, handle);
}

function failConnect(req: UvRequest, err: number, handle: TcpHandle): void {
  req.oncomplete?.call(req, err, handle);
}

/** Completion callback of a request: `this` is the request, status 0 or a negative libuv error. */
export type UvCallback = (this: UvRequest, status: number, handle: TcpHandle) => void;

/** The one read buffer of the process (libuv's 64 KiB read size). */
const READ_BUFFER = Buffer.allocUnsafeSlow(64 * 1024) as Buffer & { latin1Slice(start: number, end: number): string };
/** The same memory as a plain Uint8Array, so slice() copies (Buffer#slice would not). */
const READ_VIEW = new Uint8Array(READ_BUFFER.buffer, READ_BUFFER.byteOffset, READ_BUFFER.length);
/**
 * Chunks up to this size go out as latin1 strings: Node writes them from its 16 KiB stack
 * buffer and copies only what the kernel did not take. Bigger chunks are copied once.
 */
const STRING_WRITE_MAX = 16 * 1024;

/**
 * Starts reading `handle` into the shared read buffer; `onRead` runs per read with `this` =
 * the handle and must take the chunk (takeChunk) before it returns. 0 or a libuv error.
 */
export function startReading(handle: TcpHandle, onRead: (this: TcpHandle) => Uint8Array | undefined): number {
  handle.useUserBuffer(READ_VIEW);
  handle.onread = onRead;
  return handle.readStart();
}

/** Inside onRead: bytes read (> 0), READ_EOF, or another negative libuv error. */
export function readResult(): number {
  return streamState[READ_BYTES_OR_ERROR] as number;
}

/** Inside onRead: the `n` bytes read, out of the shared buffer (a latin1 string, or a copy when big). */
export function takeChunk(n: number): string | Uint8Array {
  return n <= STRING_WRITE_MAX ? READ_BUFFER.latin1Slice(0, n) : READ_VIEW.slice(0, n);
}

/** Inside onRead: a copy of the `n` bytes read, as bytes (a preface read keeps them). */
export function copyRead(n: number): Buffer {
  return Buffer.from(READ_VIEW.subarray(0, n));
}

/** True for a read too big for the string path: the side it came from is sending in bulk. */
export const isBulkRead = (n: number): boolean => n > STRING_WRITE_MAX;

// ---- bulk reads ------------------------------------------------------------------------------
// A side that sends in bulk (a read over 16 KiB) reads into a 64 KiB buffer of its own from its
// next read on, and each chunk is written from there in place: no copy, no allocation, no GC per
// chunk. The buffer is busy from the read until the kernel took the write; a write that has to
// queue stops that side's reading (backpressure), so nothing reads into the buffer meanwhile.
// The first small read ends the burst: the side goes back to the shared buffer and its own is
// dropped, so an idle connection holds no buffer. A read handler switches buffers by returning
// the next one (Node's user-buffer read listener takes the handler's return value as the buffer
// of the next read).

const kBulk = Symbol('fulcrum.bulkBuffer');
type BulkBuffer = Buffer & { latin1Slice(start: number, end: number): string };
type BulkHandle = TcpHandle & { [kBulk]?: BulkBuffer | null };

/** Gives `handle` a bulk buffer of its own; the read handler returns it to read into it next. */
export function startBulk(handle: TcpHandle): Uint8Array {
  const buf = Buffer.allocUnsafeSlow(READ_BUFFER.length) as BulkBuffer;
  (handle as BulkHandle)[kBulk] = buf;
  return buf;
}

/** Inside a bulk handle's read handler: the `n` bytes read, in place (valid until the next read). */
export function bulkChunk(handle: TcpHandle, n: number): Uint8Array {
  return ((handle as BulkHandle)[kBulk] as BulkBuffer).subarray(0, n);
}

/**
 * Ends a burst inside the read handler: the `n` (small) bytes just read as a string; the
 * handler returns the shared buffer (the value returned here) to read into it next.
 */
export function endBulk(handle: TcpHandle, n: number): { chunk: string; next: Uint8Array } {
  const chunk = ((handle as BulkHandle)[kBulk] as BulkBuffer).latin1Slice(0, n);
  (handle as BulkHandle)[kBulk] = null;
  return { chunk, next: READ_VIEW };
}

/** Outside a read handler: `handle` reads into the shared buffer again (one new listener; rare). */
export function leaveBulk(handle: TcpHandle): void {
  if ((handle as BulkHandle)[kBulk] == null) return;
  (handle as BulkHandle)[kBulk] = null;
  handle.useUserBuffer(READ_VIEW);
}

/** A reusable write request; it carries the handle to resume and the bytes libuv still holds. */
export interface WriteRequest extends UvRequest {
  src: TcpHandle | null;
  data: Uint8Array | null;
}

/** A write request whose completion runs `oncomplete`. */
export function newWriteRequest(oncomplete: UvCallback): WriteRequest {
  const req = new stream.WriteWrap() as WriteRequest;
  req.oncomplete = oncomplete;
  req.src = null;
  req.data = null;
  return req;
}

/** writeChunk(): libuv keeps the request until its oncomplete runs (the kernel took only part). */
export const WRITE_PENDING = 1;

/**
 * Writes a chunk from takeChunk(). 0: written, `req` is free again; WRITE_PENDING: `req`
 * belongs to libuv until oncomplete; < 0: a libuv error.
 */
export function writeChunk(dst: TcpHandle, req: WriteRequest, data: string | Uint8Array): number {
  let err: number;
  if (typeof data === 'string') err = dst.writeLatin1String(req, data);
  else {
    // libuv may keep writing from the copy after we return: the request holds it alive.
    req.data = data;
    err = dst.writeBuffer(req, data);
  }
  if (err !== 0) return err;
  return streamState[LAST_WRITE_WAS_ASYNC] !== 0 ? WRITE_PENDING : 0;
}

/** Sends FIN after the pending writes; `oncomplete` follows. 0 or a libuv error. */
export function shutdownHandle(handle: TcpHandle, oncomplete: UvCallback): number {
  const req = new stream.ShutdownWrap();
  req.oncomplete = oncomplete;
  return handle.shutdown(req);
}

/** Closes `handle`; `onClosed` runs once, with `this` = the handle. */
export function closeHandle(handle: TcpHandle, onClosed: (this: TcpHandle) => void): void {
  handle.close(onClosed);
}

/** The peer's address and port (a getpeername(2)); empty when the socket is gone. */
export function peerAddress(handle: TcpHandle): { address?: string; port?: number } {
  const out: { address?: string; port?: number } = {};
  handle.getpeername(out);
  return out;
}

/** The local address and port (a getsockname(2)): for an accepted client, the listener address it reached. */
export function localAddress(handle: TcpHandle): { address?: string; port?: number } {
  const out: { address?: string; port?: number } = {};
  handle.getsockname(out);
  return out;
}
