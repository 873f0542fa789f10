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

/** The handle operations a connection's lifecycle needs, for connections of type C. */
export interface ConnectionIoOf<C> {
  /** Which relay this is (README "Node releases"). */
  readonly relay: RelayName;
  /** Hands every client accepted on listening socket `server` to `onClient`; an accept error (a negative libuv code) to `onError`. */
  acceptFrom(server: Server, onClient: (client: Endpoint) => void, onError: (status: number) => void): void;
  /** Closes a client that never became a connection (refused at accept). */
  drop(client: Endpoint): void;
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
   * Both sides are open: start relaying bytes. `first` (latin1: a PROXY protocol header, then
   * any client bytes read with an accepted header) goes to the backend before any relayed byte.
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
