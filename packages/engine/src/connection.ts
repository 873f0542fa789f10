// One proxied client connection as an explicit state machine (connection-state.ts): from
// accept, through connect attempts and its one timer (connect, idle, linger), to the single
// finalize. The connection decides every transition; its service decides which backend and
// whether a failed attempt is retried; the handles are reached only through ConnectionIo, the
// relay, which also moves the bytes in between: connector.ts + relay.ts over raw libuv handles
// (docs/DESIGN.md "Why raw handles"), or socket-relay.ts over net.Socket. Beside it: its
// contracts (connection-io.ts), durations and timer kinds (connection-timing.ts), the socket
// steps of Ending (connection-ending.ts) and the close report (connection-close-report.ts).
import type { Backend, BackendLink } from './backend.ts';
import type { PickContext } from './strategy.ts';
import type { ClientEntry } from './client-table.ts';
import type { ConnectFailure, ConnectionIoOf, ConnectionOwnerOf, Endpoint, RelayFailure } from './connection-io.ts';
import { ewma } from './ewma.ts';
import { connectionCloseChannel, type CloseReason } from './diagnostics.ts';
import { peerText, publishClose } from './connection-close-report.ts';
import { finClientAfterGrace, finOnEnding } from './connection-ending.ts';
import { Phase, Side, type PhaseState, type SideState } from './connection-state.ts';
import { CONNECT_EWMA_ALPHA, ENDING_GRACE_MS, LINGER_MS, Timer, type TimerKind } from './connection-timing.ts';
import { encodeProxyHeader } from './proxy-protocol/encode-header.ts';
import { endpointOf, type ProxiedOrigin } from './proxy-protocol/header-reader.ts';

export type { ConnectFailure, Endpoint, RelayFailure } from './connection-io.ts';
export { ENDING_GRACE_MS } from './connection-timing.ts';
/** The handle operations a connection's lifecycle needs (connector.ts implements them). */
export type ConnectionIo = ConnectionIoOf<Connection>;
/** What a connection needs from the service that owns it. */
export type ConnectionOwner = ConnectionOwnerOf<Connection>;

/** One client connection and, while connecting or relaying, its upstream. */
export class Connection implements PickContext, BackendLink {
  /** Per-process number given at accept (connection-list.ts pages and closes by it). */
  readonly id: number;
  /** performance.now() at accept: the age maxConnectionLifetimeMs is measured from, the list's age, the close report's duration. */
  readonly acceptedAt: number;
  readonly service: ConnectionOwner;
  readonly client: Endpoint;
  /** The current attempt's handle; null while Waiting. */
  upstream: Endpoint | null = null;
  /** The backend whose slot this connection holds (from connect() until released). */
  backend: Backend | null = null;
  // Side states are written only here (transitions below); relay.ts reads them per chunk.
  clientState: SideState = Side.Open;
  upstreamState: SideState = Side.None;
  /** Backpressure (relay.ts): reading this side stopped while a write to the other is queued. */
  clientPaused = false;
  upstreamPaused = false;
  /** Idle timeout in ms (0 = none) and performance.now() of the last relayed chunk (relay.ts stamps it). */
  idleMs = 0;
  lastActive = 0;
  /**
   * Client bytes a preface read already took (an SNI peek's ClientHello, the data that came
   * with a PROXY header): the relay sends them to the backend first, then relays the rest.
   */
  preface: Uint8Array | null = null;
  /** Set while the connection waits in its service's queue (wait-queue.ts). */
  queueTimer: NodeJS.Timeout | null = null;
  // Intrusive list links of the backend's connection list.
  prev: BackendLink | null = null;
  next: BackendLink | null = null;
  #phase: PhaseState = Phase.Waiting;
  #reason: CloseReason | null = null;
  #attempts = 0;
  #lastFailure: ConnectFailure = 'connect error';
  #exclude: Set<Backend> | null = null;
  /** This connection's share of the lifetime jitter: its lifetime is maxConnectionLifetimeMs × this (set at accept). */
  lifetimeScale = 1;
  /** Where the client came from: taken only when the close channel is observed. */
  readonly #peer: string | null;
  #bytesIn = 0;
  #bytesOut = 0;
  #connectStart = 0;
  /** Connect timeout, then idle timeout, then linger: one timer at a time. */
  #timer: NodeJS.Timeout | null = null;
  #timerKind: TimerKind | 0 = 0;
  #address: string | null = null;
  /** The backend sent its first byte (relay.ts reports it once; no per-chunk work). */
  #backendSpoke = false;
  /** The relayed attempt's verdict was given (passive health). */
  #judged = false;
  /** The backend sent FIN before any byte while the client had not sent anything yet (so far). */
  #backendQuitEarly = false;
  /** What an accepted PROXY protocol header said; null = the client is the peer itself. */
  readonly #origin: ProxiedOrigin | null;

  /**
   * The client's entry in the service's `limits` table (client-limits.ts), released once when
   * the connection ends; null = not counted. Set by whoever admitted the client.
   */
  clientEntry: ClientEntry | null = null;

  /**
   * `address`: the client's IP when the service already read it (allow/deny), else null (read
   * when needed). `origin`: set when the client came through a PROXY header (the address it named).
   * `id`: the service host's next connection number.
   */
  constructor(service: ConnectionOwner, client: Endpoint, address: string | null = null, origin: ProxiedOrigin | null = null, id = 0) {
    this.id = id;
    this.service = service;
    this.client = client;
    this.#address = address;
    this.#origin = origin;
    service.io.adopt(client, this);
    // The address is gone once the socket closes, and reading it costs a getpeername(2):
    // take it now, and only if someone listens.
    // The accept time is kept always (maxConnectionLifetimeMs, the connection list's ages): one clock read per accept.
    this.acceptedAt = performance.now();
    this.#peer = connectionCloseChannel.hasSubscribers ? peerText(origin?.source ?? service.io.peer(client)) : null;
  }

  /** Where the connection is in its life. */
  get phase(): PhaseState {
    return this.#phase;
  }

  /** Bytes flow both ways (the lifetime sweep and a rebalance end only such a connection). */
  get relaying(): boolean {
    return this.#phase === Phase.Relaying;
  }

  /** First cause of the teardown; null = a normal close (so far). */
  get reason(): CloseReason | null {
    return this.#reason;
  }

  /** Connect attempts so far (the service's retry budget counts them). */
  get attempts(): number {
    return this.#attempts;
  }

  /** Why the last attempt failed. */
  get lastFailure(): ConnectFailure {
    return this.#lastFailure;
  }

  /** Backends already tried (retries go elsewhere). */
  get exclude(): ReadonlySet<Backend> | null {
    return this.#exclude;
  }

  /** Client IP, read lazily: only hash strategies need it, and it costs a getpeername(2). */
  get clientAddress(): string {
    this.#address ??= this.service.io.peer(this.client).address ?? '';
    return this.#address;
  }

  // ---- transitions ------------------------------------------------------------------------

  /** Waiting → Connecting: starts an attempt to `backend`, whose slot is taken now. */
  connect(backend: Backend): void {
    this.backend = backend;
    this.#attempts++;
    backend.localActive++;
    backend.link(this);
    this.#phase = Phase.Connecting;
    this.upstreamState = Side.Connecting;
    this.upstreamPaused = false;
    this.#connectStart = performance.now();
    const timeout = this.service.config.connectTimeoutMs;
    if (timeout > 0) this.#arm(Timer.Connect, timeout);
    this.upstream = this.service.io.connect(this, backend);
  }

  /** The attempt on `up` finished: Connecting → Relaying, or (failure) its handle closes. */
  onConnectDone(up: Endpoint, failure: ConnectFailure | null): void {
    if (up !== this.upstream || this.upstreamState !== Side.Connecting) return;
    if (failure !== null) {
      this.#lastFailure = failure;
      this.#disarm();
      this.#closeUpstream();
      return;
    }
    if (this.clientState >= Side.Closing) {
      this.#closeUpstream();
      return;
    }
    this.#phase = Phase.Relaying;
    this.upstreamState = Side.Open;
    this.#disarm();
    const backend = this.backend as Backend;
    backend.connectTimeEwmaMs = ewma(backend.connectTimeEwmaMs, performance.now() - this.#connectStart, CONNECT_EWMA_ALPHA);
    this.service.onConnected(backend);
    // One timer per connection measures idleness both ways: every relayed chunk stamps it.
    this.idleMs = this.service.config.idleTimeoutMs;
    if (this.idleMs > 0) {
      this.lastActive = performance.now();
      this.#arm(Timer.Idle, this.idleMs);
    }
    this.service.io.startRelay(this, this.#firstBytes(backend));
  }

  /**
   * What the backend gets before any relayed byte (and before `preface`): its PROXY protocol
   * header, built here once per connect with the client and listener addresses — the ones an
   * accepted header named. null = nothing.
   */
  #firstBytes(backend: Backend): string | null {
    const mode = backend.proxyProtocol;
    if (mode === 'off') return null;
    const io = this.service.io;
    const source = this.#origin !== null ? this.#origin.source : endpointOf(io.peer(this.client));
    const destination = this.#origin?.destination ?? endpointOf(io.local(this.client));
    return encodeProxyHeader(mode, source, destination);
  }

  /** relay.ts: the backend's first byte arrived: this connection is a success for passive health. */
  onBackendFirstByte(): void {
    this.#backendSpoke = true;
    this.#judge(null);
  }

  /** `handle`'s peer sent FIN: Open → ReadEnded, or WriteEnded → closed (done both ways). */
  onReadEnd(handle: Endpoint): void {
    // A backend that closes on a client still waiting for its answer failed it; one that closes
    // after the client's own FIN (a sink) did not. If the client has sent nothing yet, its bytes
    // may just not be read yet (a backend that drops new connections at once): decided when the
    // client closes (#closeClient), by whether it sent anything at all.
    if (handle !== this.client && !this.#backendSpoke && this.clientState === Side.Open) {
      if (this.client.bytesRead > 0) this.#judge('closed before first byte');
      else this.#backendQuitEarly = true;
    }
    if (handle === this.client) {
      if (this.clientState === Side.WriteEnded) this.#finishClient();
      else if (this.clientState === Side.Open) this.clientState = Side.ReadEnded;
    } else if (this.upstreamState === Side.WriteEnded) this.#finishUpstream();
    else if (this.upstreamState === Side.Open) this.upstreamState = Side.ReadEnded;
  }

  /** Our FIN to `handle` went out (status < 0: it failed): Open → WriteEnded, or ReadEnded → closed. */
  onWriteEnd(handle: Endpoint, status: number): void {
    if (handle === this.client) {
      if (this.clientState >= Side.Closing) return;
      if (status < 0) this.fail('client-error');
      else if (this.clientState === Side.ReadEnded) this.#finishClient();
      else this.clientState = Side.WriteEnded;
    } else {
      if (handle !== this.upstream || this.upstreamState >= Side.Closing) return;
      if (status < 0) this.fail('backend-error');
      else if (this.upstreamState === Side.ReadEnded) this.#finishUpstream();
      else this.upstreamState = Side.WriteEnded;
    }
  }

  /** A handle's close callback ran: Closing → Closed; may end the attempt or the connection. */
  onHandleClosed(handle: Endpoint): void {
    if (handle === this.client) {
      this.clientState = Side.Closed;
      this.service.dequeue(this);
      if (this.upstream === null || this.upstreamState === Side.Closed) this.#finalize();
    } else if (handle === this.upstream) {
      this.upstreamState = Side.Closed;
      if (this.#phase === Phase.Connecting) this.#attemptFailed();
      else if (this.clientState === Side.Closed) this.#finalize();
    }
  }

  /** An error on one side: both close, the first reason is kept. */
  fail(reason: CloseReason): void {
    this.#reason ??= reason;
    // After the reason: the verdict may eject the backend, and closeOnDown destroys this connection.
    if (reason === 'backend-error' && !this.#backendSpoke && this.#phase === Phase.Relaying) this.#judge('reset before first byte');
    this.destroy();
  }

  /**
   * Relaying → Ending, at a drain deadline (or past its lifetime, or at its turn in a rebalance:
   * `reason`): closes without a reset and without losing a reply (connection-ending.ts). A
   * connection that is not relaying yet has sent its client nothing: it is destroyed.
   */
  endGracefully(reason: CloseReason = 'drain-deadline'): void {
    if (this.#phase === Phase.Ending || this.#phase === Phase.Done) return;
    if (this.#phase !== Phase.Relaying) {
      this.destroy();
      return;
    }
    this.#phase = Phase.Ending;
    this.#reason ??= reason;
    this.idleMs = 0; // no idle timeout from now on: the ending grace bounds what is left
    if (!finOnEnding(this)) {
      this.fail('client-error');
      return;
    }
    if (this.clientState < Side.Closing || this.upstreamState < Side.Closing) this.#arm(Timer.Ending, ENDING_GRACE_MS);
  }

  /** An operator closed it (the connection list's close): both sides at once, like HAProxy's `shutdown session`. */
  shutdownByOperator(): void {
    this.#reason ??= 'admin-closed';
    this.destroy();
  }

  /** Closes both sides at once (drain timeout, closeOnDown, shutdown, idle timeout, reject). */
  destroy(): void {
    this.#reason ??= 'destroyed';
    this.#closeClient();
    this.#closeUpstream();
  }

  /** Releases the backend slot taken by connect(). */
  releaseBackend(): Backend | null {
    const b = this.backend;
    if (b === null) return null;
    this.backend = null;
    b.localActive--;
    b.unlink(this);
    return b;
  }

  // The attempt's handle is closed and it never connected: Connecting → Waiting. Unless the
  // client is being torn down anyway, the failure goes to the service, the one place that
  // decides between a retry and a reject.
  #attemptFailed(): void {
    this.upstream = null;
    this.upstreamState = Side.None;
    this.#phase = Phase.Waiting;
    if (this.clientState >= Side.Closing) {
      // Torn down meanwhile (shutdown, drain timeout): not a backend failure. The slot is
      // released by the finalize, which also ends the backend's drain if it was the last.
      if (this.clientState === Side.Closed) this.#finalize();
      return;
    }
    const b = this.releaseBackend() as Backend;
    (this.#exclude ??= new Set()).add(b);
    this.service.onConnectFailed(this, b);
  }

  /** Gives the relayed attempt's one verdict while its backend slot is still held. */
  #judge(failure: RelayFailure | null): void {
    if (this.#judged || this.backend === null) return;
    this.#judged = true;
    this.service.onRelayVerdict(this.backend, failure);
  }

  /** The client finished both ways cleanly; the backend gets a linger period to take our FIN. */
  #finishClient(): void {
    this.#closeClient();
    if (this.upstreamState < Side.Closing) this.#arm(Timer.Linger, this.#lingerMs);
  }

  #finishUpstream(): void {
    this.#closeUpstream();
    if (this.clientState < Side.Closing) this.#arm(Timer.Linger, this.#lingerMs);
  }

  /** Ending bounds the other side's linger by the grace, as it bounds everything else. */
  get #lingerMs(): number {
    return this.#phase === Phase.Ending ? ENDING_GRACE_MS : LINGER_MS;
  }

  // The ending grace passed. While the backend is still open it did not answer our FIN: it is
  // closed hard after the client's FIN is queued, and the client gets a grace of its own.
  // Otherwise the client kept its side open past its grace: closed hard.
  #endingGraceOver(): void {
    if (this.upstreamState >= Side.Closing) {
      this.destroy();
      return;
    }
    finClientAfterGrace(this);
    this.#closeUpstream();
    if (this.clientState < Side.Closing) this.#arm(Timer.Ending, ENDING_GRACE_MS);
  }

  #closeClient(): void {
    if (this.clientState >= Side.Closing) return;
    this.clientState = Side.Closing;
    if (this.#backendQuitEarly) this.#judge(this.client.bytesRead > 0 ? 'closed before first byte' : null);
    if (this.#peer !== null) {
      this.#bytesIn = this.client.bytesRead;
      this.#bytesOut = this.client.bytesWritten;
    }
    this.service.io.close(this.client);
  }

  #closeUpstream(): void {
    const up = this.upstream;
    if (up === null || this.upstreamState >= Side.Closing) return;
    this.upstreamState = Side.Closing;
    this.service.io.close(up);
  }

  /** Runs exactly once, when the client and the current upstream (if any) are both closed. */
  #finalize(): void {
    if (this.#phase === Phase.Done) return;
    const relayed = this.#phase === Phase.Relaying || this.#phase === Phase.Ending;
    // Ended without a fault of the backend's (client left, idle, drain, a clean FIN): a success.
    if (relayed) this.#judge(null);
    this.#phase = Phase.Done;
    this.#disarm();
    if (connectionCloseChannel.hasSubscribers) {
      const backend = relayed && this.backend !== null ? this.backend.address : null;
      publishClose(this.service.id, this.#peer, this.acceptedAt, backend, this.#bytesIn, this.#bytesOut, this.#reason ?? (relayed ? 'closed' : 'client-gone'));
    }
    this.service.onEnd(this);
  }

  // ---- the one timer ----------------------------------------------------------------------

  #arm(kind: TimerKind, ms: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timerKind = kind;
    this.#timer = setTimeout(Connection.#onTimer, ms, this);
  }

  #disarm(): void {
    if (this.#timer === null) return;
    clearTimeout(this.#timer);
    this.#timer = null;
  }

  // Static, so no closure per connection.
  static #onTimer(c: Connection): void {
    c.#timer = null;
    if (c.#timerKind === Timer.Connect) {
      c.#lastFailure = 'connect timeout';
      c.#closeUpstream();
    } else if (c.#timerKind === Timer.Idle) {
      // Chunks only stamp lastActive; the timer re-arms for the rest of the window.
      const quiet = performance.now() - c.lastActive;
      if (quiet >= c.idleMs - 1) {
        c.#reason ??= 'idle-timeout';
        c.destroy();
      } else c.#arm(Timer.Idle, c.idleMs - quiet);
    } else if (c.#timerKind === Timer.Ending) c.#endingGraceOver();
    else c.destroy();
  }
}
