// What a connection (connection.ts) exchanges with the outside: the handle operations it asks
// for (ConnectionIo: the relay, implemented twice — connector.ts + relay.ts over raw libuv
// handles, socket-relay.ts over net.Socket; a service picks one when it is built) and what it reports to the service that owns
// it (ConnectionOwner), with the failure words both use. Generic in the connection type so this
// file needs nothing from connection.ts (which names the instances: ConnectionIo,
// ConnectionOwner).
import type { Server } from 'node:net';
import type { Backend } from './backend.ts';
import type { ServiceConfig } from './config.ts';
import type { LocalFailure } from './local-errors.ts';
import type { RelayName } from '@fulcrum/shared/enums';

/** Why a connect attempt failed, in the words passive health checks report (a LocalFailure is ours, not the backend's). */
export type ConnectFailure = 'connect refused' | 'connect timeout' | 'connect reset' | 'connect error' | LocalFailure;

/**
 * Why a connected backend counts as failed for passive health: it reset (or errored) before
 * sending a byte, or closed (FIN) before sending a byte although the client had sent data —
 * HAProxy's and Envoy's "closed before response" of, e.g., a server at its client limit.
 */
export type RelayFailure = 'reset before first byte' | 'closed before first byte';

/**
 * One socket of a connection as its relay holds it: a libuv TCP handle (native relay) or a
 * net.Socket (socket relay). The connection only compares it and reads its byte counters;
 * everything else goes through the relay's ConnectionIo.
 */
export interface Endpoint {
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

/** PrefaceReader.parse(): the bytes so far are a valid start of the preface; read on. */
export const PREFACE_MORE = -1;
/** PrefaceReader.parse(): the bytes so far can never be the preface; stop (outcome 'invalid'). */
export const PREFACE_INVALID = -2;

/**
 * How a preface read ended: the parser had enough ('parsed') or refused the bytes ('invalid');
 * `maxBytes` were read and the parser still wanted more ('limit'); `timeoutMs` passed
 * ('timeout'); the client sent FIN ('eof') or its socket failed ('error').
 */
export type PrefaceOutcome = 'parsed' | 'invalid' | 'limit' | 'timeout' | 'eof' | 'error';

/** The caller's side of one preface read (ConnectionIoOf.readPreface): its parser and where the outcome goes. */
export interface PrefaceReader {
  /**
   * Every byte read so far (one buffer, from the first byte): how many of them the preface
   * took (>= 0: enough, reading stops), PREFACE_MORE, or PREFACE_INVALID. Kept by the caller:
   * whatever else it learned (the parsed header, the server name).
   */
  parse(bytes: Buffer): number;
  /**
   * The read ended; `client` is not being read any more and no byte was lost: `bytes` is every
   * byte read (empty when none), the first `consumed` of them the preface ('parsed' only, else
   * 0), the rest the client's own data. The caller adopts the client (the rest goes to the
   * backend first: Connection.preface) or drops it.
   */
  onPreface(client: Endpoint, outcome: PrefaceOutcome, bytes: Buffer, consumed: number): void;
}

/** A preface read in progress. */
export interface PrefaceRead {
  /** Stops the read and closes the client, without an outcome (shutdown); no-op once it ended. */
  abort(): void;
}

/** The handle operations a connection's lifecycle needs, for connections of type C. */
export interface ConnectionIoOf<C> {
  /** Which relay this is (README "Node releases"). */
  readonly relay: RelayName;
  /** Hands every client accepted on listening socket `server` to `onClient`; an accept error (a negative libuv code) to `onError`. */
  acceptFrom(server: Server, onClient: (client: Endpoint) => void, onError: (status: number) => void): void;
  /** Closes a client that never became a connection (refused at accept). */
  drop(client: Endpoint): void;
  /**
   * Reads a bounded preface (a PROXY protocol header, a TLS ClientHello) from accepted `client`
   * before it is relayed: until `reader.parse` has enough, or `maxBytes` were read, within
   * `timeoutMs`; then stops reading and hands `reader.onPreface` the outcome and the bytes (later
   * bytes stay unread for the relay). Only services that need a preface call it.
   */
  readPreface(client: Endpoint, maxBytes: number, timeoutMs: number, reader: PrefaceReader): PrefaceRead;
  /** Binds an accepted client handle to `c` and sets its socket options. */
  adopt(client: Endpoint, c: C): void;
  /**
   * The io for the clients of listening socket `server`: when the listener itself could be
   * given the socket options its accepted sockets inherit, one whose adopt() sets none.
   * Absent: this io serves every listener as it is.
   */
  forListener?(server: Server): ConnectionIoOf<C>;
  /** A new upstream handle bound to `c`, connecting to `backend`; the outcome comes as c.onConnectDone(). */
  connect(c: C, backend: Backend): Endpoint;
  /**
   * Both sides are open: start relaying bytes. `first` (latin1: a PROXY protocol header for the
   * backend), then c.preface (client bytes a preface read took), go to the backend before any
   * relayed byte.
   */
  startRelay(c: C, first: string | null): void;
  /**
   * Ending: from now on the client's bytes are read and dropped (unread bytes would turn our
   * close into an RST), its reading resumed if backpressure had stopped it. 0 or a libuv error.
   */
  discardClient(c: C): number;
  /** Queues a FIN for `handle` of `c` behind the bytes already queued for it (it never overtakes them). */
  endAfterQueued(c: C, handle: Endpoint): void;
  /** Closes a handle of `c`; c.onHandleClosed() follows. */
  close(handle: Endpoint): void;
  /** The peer's address and port (a getpeername(2)); empty when the socket is gone. */
  peer(handle: Endpoint): { address?: string; port?: number };
  /** The handle's own address and port (a getsockname(2): the listener a client reached); empty when gone. */
  local(handle: Endpoint): { address?: string; port?: number };
}

/** What a connection of type C needs from the service that owns it. */
export interface ConnectionOwnerOf<C> {
  readonly id: number;
  readonly config: ServiceConfig;
  readonly io: ConnectionIoOf<C>;
  /** An attempt connected. */
  onConnected(backend: Backend): void;
  /**
   * The connected attempt's passive-health verdict, once per connection: null (a success: the
   * backend's first byte, or an end that was not its fault) or why it failed.
   */
  onRelayVerdict(backend: Backend, failure: RelayFailure | null): void;
  /**
   * An attempt failed while the client waits (`backend`'s slot is released, and it is in
   * `exclude` now). The owner retries or rejects.
   */
  onConnectFailed(c: C, backend: Backend): void;
  /** The connection is finalized (both handles closed). */
  onEnd(c: C): void;
  /** The client left: take it out of the wait queue if it was waiting. */
  dequeue(c: C): void;
}
