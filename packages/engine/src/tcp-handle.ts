// Node's own libuv TCP handles: the layer `net.Socket` is built on. The data plane uses them
// directly because, measured (docs/DESIGN.md, "Why raw handles"), a `net.Socket` pair costs
// about twice HAProxy's CPU per proxied request: the stream machinery (Readable/Writable
// state, 'data' events, a fresh ArrayBuffer per read, a timer refresh per read and per write)
// is the bulk of it. With the handles we read every socket into one shared buffer, write with
// a reusable request object, and allocate nothing per chunk but a short string.
//
// These are `process.binding()` modules (DEP0111, a documentation-only deprecation), not a
// public API. Everything the engine needs from them is declared and checked here, once, at
// load: a Node without them fails at startup with FULCRUM_UNSUPPORTED_RUNTIME, never
// mid-connection. The rest of the engine uses the small adapter at the end of this file
// (accept, connect, read, write, shutdown, close, owner), never the bindings' conventions
// (shared state arrays, request objects, user buffers) directly.
import type { Server } from 'node:net';
import { EngineError } from './errors.ts';

/** An argument-less libuv request object (WriteWrap, ShutdownWrap, TCPConnectWrap). */
export interface UvRequest {
  oncomplete: ((this: UvRequest, status: number, handle: TcpHandle) => void) | null;
}

/** Node's TCPWrap: a libuv TCP socket. Methods return 0 or a negative libuv error code. */
export interface TcpHandle {
  onread: ((this: TcpHandle, buffer: ArrayBuffer | undefined) => Uint8Array | undefined) | null;
  readonly writeQueueSize: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readStart(): number;
  readStop(): number;
  useUserBuffer(buffer: Uint8Array): void;
  writeBuffer(req: UvRequest, data: Uint8Array): number;
  writeLatin1String(req: UvRequest, data: string): number;
  shutdown(req: UvRequest): number;
  close(callback?: (this: TcpHandle) => void): void;
  setNoDelay(enable: boolean): number;
  setKeepAlive(enable: boolean, initialDelaySecs: number): number;
  connect(req: UvRequest, address: string, port: number): number;
  connect6(req: UvRequest, address: string, port: number): number;
  getpeername(out: { address?: string; port?: number; family?: string }): number;
}

/** The listening side: what net.Server keeps in `_handle` (a real TCPWrap, or cluster's round-robin stand-in). */
export interface ServerHandle {
  onconnection: (this: ServerHandle, status: number, client: TcpHandle | undefined) => void;
}

interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => UvRequest;
  constants: { SOCKET: number; SERVER: number };
}

interface StreamWrapBinding {
  WriteWrap: new () => UvRequest;
  ShutdownWrap: new () => UvRequest;
  streamBaseState: Int32Array;
  kReadBytesOrError: number;
  kLastWriteWasAsync: number;
}

interface UvBinding {
  UV_EOF: number;
  UV_ECONNREFUSED: number;
  UV_ECONNRESET: number;
  UV_ETIMEDOUT: number;
  UV_EMFILE: number;
  UV_ENFILE: number;
  UV_ENOBUFS: number;
  UV_ENOMEM: number;
  UV_EADDRNOTAVAIL: number;
}

/** Every libuv error code the engine compares against (each must be a negative integer). */
const UV_CODES = ['UV_EOF', 'UV_ECONNREFUSED', 'UV_ECONNRESET', 'UV_ETIMEDOUT', 'UV_EMFILE', 'UV_ENFILE', 'UV_ENOBUFS', 'UV_ENOMEM', 'UV_EADDRNOTAVAIL'] as const;
/** Every TCPWrap method the adapter below calls. */
const TCP_METHODS = ['readStart', 'readStop', 'useUserBuffer', 'writeBuffer', 'writeLatin1String', 'shutdown', 'close', 'setNoDelay', 'setKeepAlive', 'connect', 'connect6', 'getpeername'] as const;

/**
 * Checks every internal the relay touches, not only that it exists: each constructor builds an
 * object, each index points into the shared state array, each error code is a negative integer,
 * a fresh handle has every method and its counters. Returns what is wrong, or [] when usable.
 */
export function bindingProblems(tcp: TcpWrapBinding, stream: StreamWrapBinding, uv: UvBinding): string[] {
  const problems: string[] = [];
  const proto = (tcp.TCP?.prototype ?? {}) as unknown as Record<string, unknown>;
  for (const m of TCP_METHODS) if (typeof proto[m] !== 'function') problems.push(`missing ${m}`);
  if (!Number.isInteger(tcp.constants?.SOCKET) || !Number.isInteger(tcp.constants?.SERVER)) problems.push('tcp_wrap constants SOCKET/SERVER');
  const state = stream.streamBaseState;
  if (!(state instanceof Int32Array)) problems.push('stream state (streamBaseState is not an Int32Array)');
  for (const index of ['kReadBytesOrError', 'kLastWriteWasAsync'] as const) {
    const i = stream[index];
    if (!Number.isInteger(i) || i < 0 || !(state instanceof Int32Array) || i >= state.length) problems.push(`stream state index ${index}`);
  }
  for (const code of UV_CODES) if (!Number.isInteger(uv[code]) || uv[code] >= 0) problems.push(`libuv code ${code}`);
  if (typeof (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice !== 'function') problems.push('missing Buffer#latin1Slice');
  if (problems.length > 0) return problems;
  // Constructors must build what the adapter expects; nothing here touches the network.
  try {
    for (const [name, Req] of [['TCPConnectWrap', tcp.TCPConnectWrap], ['WriteWrap', stream.WriteWrap], ['ShutdownWrap', stream.ShutdownWrap]] as const) {
      if (typeof new Req() !== 'object') problems.push(`${name} does not construct`);
    }
    const probe = new tcp.TCP(tcp.constants.SOCKET);
    if (typeof probe.writeQueueSize !== 'number' || typeof probe.bytesRead !== 'number' || typeof probe.bytesWritten !== 'number') problems.push('a TCP handle lacks writeQueueSize/bytesRead/bytesWritten');
    probe.close();
  } catch (err) {
    problems.push(`constructing a handle failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  return problems;
}

function load(): { tcp: TcpWrapBinding; stream: StreamWrapBinding; uv: UvBinding } {
  let reason: string;
  try {
    const binding = (process as unknown as { binding(name: string): unknown }).binding;
    const tcp = binding('tcp_wrap') as TcpWrapBinding;
    const stream = binding('stream_wrap') as StreamWrapBinding;
    const uv = binding('uv') as UvBinding;
    const problems = bindingProblems(tcp, stream, uv);
    if (problems.length === 0) return { tcp, stream, uv };
    reason = problems.join(', ');
  } catch (err) {
    // Node's permission model (--permission) refuses process.binding() as a whole.
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ERR_ACCESS_DENIED') {
      throw new EngineError(
        'FULCRUM_UNSUPPORTED_RUNTIME',
        `Node's permission model (--permission) denies process.binding(), which the data plane's relay needs (${(err as Error).message}); run Fulcrum without --permission`,
      );
    }
    reason = err instanceof Error ? err.message : String(err);
  }
  throw new EngineError(
    'FULCRUM_UNSUPPORTED_RUNTIME',
    `Node ${process.version} does not offer the libuv TCP bindings the data plane runs on (${reason}); the supported releases are Node 20, 22, 24 and 26`,
  );
}

const { tcp, stream, uv } = load();

/** Shared with C++: read result and last-write flags, valid right after the call that set them. */
const streamState = stream.streamBaseState;
const READ_BYTES_OR_ERROR = stream.kReadBytesOrError;
const LAST_WRITE_WAS_ASYNC = stream.kLastWriteWasAsync;

/** readResult() when the peer sent FIN. */
export const READ_EOF = uv.UV_EOF;
export const UV_ECONNREFUSED = uv.UV_ECONNREFUSED;
export const UV_ECONNRESET = uv.UV_ECONNRESET;
export const UV_ETIMEDOUT = uv.UV_ETIMEDOUT;
export const UV_EMFILE = uv.UV_EMFILE;
export const UV_ENFILE = uv.UV_ENFILE;
export const UV_ENOBUFS = uv.UV_ENOBUFS;
export const UV_ENOMEM = uv.UV_ENOMEM;
export const UV_EADDRNOTAVAIL = uv.UV_EADDRNOTAVAIL;

// ---- the adapter --------------------------------------------------------------------------

/** A fresh, unconnected TCP handle. */
export const newSocketHandle = (): TcpHandle => new tcp.TCP(tcp.constants.SOCKET);

const kOwner = Symbol('fulcrum.owner');
type OwnedHandle = TcpHandle & { [kOwner]: unknown };

/** Marks `handle` as belonging to `owner`: module-level callbacks find it again with ownerOf(). */
export function setOwner(handle: TcpHandle, owner: object): void {
  (handle as OwnedHandle)[kOwner] = owner;
}

/** The object setOwner() attached to `handle`. */
export function ownerOf<T extends object>(handle: TcpHandle): T {
  return (handle as OwnedHandle)[kOwner] as T;
}

/**
 * Takes accepting over from net.Server: each accepted connection reaches `onClient` as the
 * bare libuv handle, and no net.Socket is ever built for it. net.Server still does what it is
 * good at: binding, cluster handle sharing, reusePort, close(). An accept error drops that one
 * connection attempt and goes to `onError` (a negative libuv code). Seen on Node 20's libuv
 * (1.46): accept errors never get here — on EMFILE libuv sheds pending connections itself, or
 * (no spare descriptor) retries in a busy loop — so this path is for the runtimes that report.
 */
/** The listening TCP handle of `server`, or null when it has none of its own (cluster round-robin). */
export function listeningHandle(server: Server): TcpHandle | null {
  const handle = (server as unknown as { _handle: unknown })._handle;
  return handle instanceof tcp.TCP ? handle : null;
}

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

/** Inside onRead: a copy of the `n` bytes read, as bytes (the SNI peek keeps them). */
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
