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
// mid-connection.
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
}

function load(): { tcp: TcpWrapBinding; stream: StreamWrapBinding; uv: UvBinding } {
  try {
    const binding = (process as unknown as { binding(name: string): unknown }).binding;
    const tcp = binding('tcp_wrap') as TcpWrapBinding;
    const stream = binding('stream_wrap') as StreamWrapBinding;
    const uv = binding('uv') as UvBinding;
    const proto = tcp.TCP.prototype as unknown as Record<string, unknown>;
    const methods = ['readStart', 'readStop', 'useUserBuffer', 'writeBuffer', 'writeLatin1String', 'shutdown', 'close', 'setNoDelay', 'setKeepAlive', 'connect', 'connect6', 'getpeername'];
    const missing = methods.filter((m) => typeof proto[m] !== 'function');
    if (missing.length > 0 || !(stream.streamBaseState instanceof Int32Array) || typeof uv.UV_EOF !== 'number') {
      throw new Error(`missing ${missing.join(', ') || 'stream state'}`);
    }
    return { tcp, stream, uv };
  } catch (err) {
    throw new EngineError(
      'FULCRUM_UNSUPPORTED_RUNTIME',
      `Node ${process.version} does not offer the libuv TCP bindings the data plane runs on (${err instanceof Error ? err.message : String(err)}); run Fulcrum on Node 20, 22 or 24`,
    );
  }
}

const { tcp, stream, uv } = load();

/** Shared with C++: read result and last-write flags, valid right after the call that set them. */
export const streamState = stream.streamBaseState;
export const READ_BYTES_OR_ERROR = stream.kReadBytesOrError;
export const LAST_WRITE_WAS_ASYNC = stream.kLastWriteWasAsync;

export const UV_EOF = uv.UV_EOF;
export const UV_ECONNREFUSED = uv.UV_ECONNREFUSED;
export const UV_ECONNRESET = uv.UV_ECONNRESET;
export const UV_ETIMEDOUT = uv.UV_ETIMEDOUT;

export const newSocketHandle = (): TcpHandle => new tcp.TCP(tcp.constants.SOCKET);
export const newConnectRequest = (): UvRequest => new tcp.TCPConnectWrap();
export const newWriteRequest = (): UvRequest => new stream.WriteWrap();
export const newShutdownRequest = (): UvRequest => new stream.ShutdownWrap();
