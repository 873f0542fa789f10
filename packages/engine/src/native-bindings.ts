// The Node internals the native relay (tcp-handle.ts, relay.ts) runs on, loaded and checked once,
// when the engine loads: `process.binding('tcp_wrap' / 'stream_wrap')` (DEP0111, a
// documentation-only deprecation, not a public API) and `Buffer#latin1Slice`. Nothing here throws:
// what is missing or not as the relay needs it becomes `nativeProblem`, and the engine then runs
// the net.Socket relay instead (relay-choice.ts). This is the cheap, synchronous half of the
// check; native-probe.ts adds one loopback round trip through the adapter itself.
import { UV_CODES } from './uv-codes.ts';

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
  getsockname(out: { address?: string; port?: number; family?: string }): number;
}

/** tcp_wrap: the TCP handle class, its connect request and the handle types. */
export interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => UvRequest;
  constants: { SOCKET: number; SERVER: number };
}

/** stream_wrap: the write and shutdown requests and the state array shared with C++. */
export interface StreamWrapBinding {
  WriteWrap: new () => UvRequest;
  ShutdownWrap: new () => UvRequest;
  streamBaseState: Int32Array;
  kReadBytesOrError: number;
  kLastWriteWasAsync: number;
  [index: `k${string}`]: number;
}

/** Why the native relay cannot run on this Node; `permission`: Node's permission model refused it. */
export interface NativeProblem {
  readonly permission: boolean;
  readonly message: string;
}

/** Every TCPWrap method the adapter calls. */
const TCP_METHODS = ['readStart', 'readStop', 'useUserBuffer', 'writeBuffer', 'writeLatin1String', 'shutdown', 'close', 'setNoDelay', 'setKeepAlive', 'connect', 'connect6', 'getpeername', 'getsockname'] as const;

/**
 * Checks every internal the relay touches, not only that it exists: each constructor builds an
 * object, every state index Node exposes is a distinct slot of the shared state array (the two
 * the relay reads among them), each libuv code is a negative integer, a fresh handle has every
 * method and its counters, latin1Slice turns each byte into the character of that code.
 * Returns what is wrong, or [] when usable.
 */
export function bindingProblems(tcp: TcpWrapBinding, stream: StreamWrapBinding): string[] {
  const problems: string[] = [];
  const proto = (tcp.TCP?.prototype ?? {}) as unknown as Record<string, unknown>;
  for (const m of TCP_METHODS) if (typeof proto[m] !== 'function') problems.push(`missing ${m}`);
  if (!Number.isInteger(tcp.constants?.SOCKET) || !Number.isInteger(tcp.constants?.SERVER)) problems.push('tcp_wrap constants SOCKET/SERVER');
  problems.push(...stateIndexProblems(stream));
  for (const [name, value] of Object.entries(UV_CODES)) if (!Number.isInteger(value) || value >= 0) problems.push(`libuv code ${name}`);
  problems.push(...latin1Problems());
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

/**
 * The shared state array's layout as Node exposes it: every `k…` index (Node 26 added
 * kLastWriteErr beside kLastWriteWasAsync) names its own slot inside the array. Two names on
 * one slot, or one outside it, means the layout is not the one the relay was written for.
 */
function stateIndexProblems(stream: StreamWrapBinding): string[] {
  const state = stream.streamBaseState;
  if (!(state instanceof Int32Array)) return ['stream state (streamBaseState is not an Int32Array)'];
  const problems: string[] = [];
  const slots = new Map<number, string>();
  for (const [name, i] of Object.entries(stream)) {
    if (!/^k[A-Z]/.test(name) || typeof i !== 'number') continue;
    if (!Number.isInteger(i) || i < 0 || i >= state.length) problems.push(`stream state index ${name}`);
    else if (slots.has(i)) problems.push(`stream state indices ${slots.get(i)} and ${name} share slot ${i}`);
    else slots.set(i, name);
  }
  for (const name of ['kReadBytesOrError', 'kLastWriteWasAsync']) {
    if (![...slots.values()].includes(name) && !problems.some((p) => p.endsWith(` ${name}`))) problems.push(`stream state index ${name}`);
  }
  return problems;
}

/** latin1Slice(start, end) must give one character per byte, of that byte's code: the relay's bytes go out as such strings. */
function latin1Problems(): string[] {
  const slice = (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice;
  if (typeof slice !== 'function') return ['missing Buffer#latin1Slice'];
  const bytes = Buffer.alloc(258);
  for (let i = 0; i < 256; i++) bytes[i + 1] = i;
  let text: unknown;
  try {
    text = slice.call(bytes, 1, 257);
  } catch (err) {
    return [`Buffer#latin1Slice throws: ${err instanceof Error ? err.message : String(err)}`];
  }
  if (typeof text !== 'string' || text.length !== 256) return ['Buffer#latin1Slice does not return one character per byte'];
  for (let i = 0; i < 256; i++) if (text.charCodeAt(i) !== i) return [`Buffer#latin1Slice turns byte ${i} into character ${text.charCodeAt(i)}`];
  return [];
}

/** The bindings when usable, else why not. */
function load(): { bindings: { tcp: TcpWrapBinding; stream: StreamWrapBinding } | null; problem: NativeProblem | null } {
  let reason: string;
  try {
    const binding = (process as unknown as { binding(name: string): unknown }).binding;
    const tcp = binding('tcp_wrap') as TcpWrapBinding;
    const stream = binding('stream_wrap') as StreamWrapBinding;
    const problems = bindingProblems(tcp, stream);
    if (problems.length === 0) return { bindings: { tcp, stream }, problem: null };
    reason = problems.join(', ');
  } catch (err) {
    // Node's permission model (--permission) refuses process.binding() as a whole.
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'ERR_ACCESS_DENIED') {
      return { bindings: null, problem: { permission: true, message: `Node's permission model (--permission) denies process.binding(), which the native relay needs (${(err as Error).message})` } };
    }
    reason = err instanceof Error ? err.message : String(err);
  }
  return { bindings: null, problem: { permission: false, message: `Node ${process.version} does not offer the libuv TCP bindings the native relay runs on as it needs them (${reason})` } };
}

const loaded = load();

/** tcp_wrap and stream_wrap, checked; null when nativeProblem says why not. */
export const nativeBindings = loaded.bindings;
/** Why the native relay cannot run on this Node (the static check); null: it may (native-probe.ts has the last word). */
export const nativeProblem = loaded.problem;
