// The one place proxied sockets get their options and backend connects are issued, so every
// connection is set up the same way (undici's buildConnector is the model). It is also the
// ConnectionIo of real connections: what connection.ts does to a handle happens here.
import { lookup } from 'node:dns';
import type { Server } from 'node:net';
import type { Backend } from './backend.ts';
import type { Connection, ConnectFailure, ConnectionIo, Endpoint } from './connection.ts';
import { Side } from './connection-state.ts';
import { discardClient, endAfterQueued, startRelay } from './relay.ts';
import { localFailure } from './local-errors.ts';
import { readPrefaceNative } from './native-preface.ts';
import { UV_ECONNREFUSED, UV_ECONNRESET, UV_ETIMEDOUT } from './uv-codes.ts';
import {
  acceptRaw, closeHandle, connectHandle, listeningHandle, localAddress, newSocketHandle, ownerOf, peerAddress, setOwner, type TcpHandle, type UvRequest,
} from './tcp-handle.ts';

/** Keepalive probe delay for both sides of a proxied connection (both relays). */
export const KEEPALIVE_INITIAL_DELAY_S = 30;

/** Nagle off and TCP keepalive on; on an unconnected handle libuv applies both at connect. */
function tuneSocket(handle: TcpHandle): void {
  handle.setNoDelay(true);
  handle.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_S);
}

/**
 * Sets the options on a listening socket, so the sockets it accepts are born with them: Linux
 * copies TCP_NODELAY and the keepalive settings (and starts the keepalive timer) into each
 * accepted socket, which saves five setsockopt(2) calls per client. false: no socket of its
 * own (cluster round-robin hands over sockets accepted elsewhere) or an option was refused.
 */
function tuneListener(server: Server): boolean {
  const handle = listeningHandle(server);
  return handle !== null && handle.setNoDelay(true) === 0 && handle.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_S) === 0;
}

/** The native relay's ConnectionIo: raw libuv handles, module-level callbacks only. */
export const handleIo: ConnectionIo = {
  relay: 'native',
  acceptFrom: acceptRaw,
  drop(client: Endpoint): void {
    (client as TcpHandle).close();
  },
  readPreface: readPrefaceNative,
  adopt(client: Endpoint, c: Connection): void {
    setOwner(client, c);
    tuneSocket(client as TcpHandle);
  },
  forListener(server: Server): ConnectionIo {
    return tuneListener(server) ? preTunedIo : handleIo;
  },
  connect(c: Connection, backend: Backend): TcpHandle {
    const up = newSocketHandle();
    setOwner(up, c);
    tuneSocket(up);
    if (backend.family !== 0) connectHandle(up, backend.host, backend.port, backend.family, afterConnect);
    else resolveAndConnect(up, backend);
    return up;
  },
  startRelay,
  discardClient,
  endAfterQueued,
  close(handle: Endpoint): void {
    closeHandle(handle as TcpHandle, onClosed);
  },
  peer: (handle: Endpoint) => peerAddress(handle as TcpHandle),
  local: (handle: Endpoint) => localAddress(handle as TcpHandle),
};

/** handleIo for clients of a tuned listener: they already have their options. */
const preTunedIo: ConnectionIo = { ...handleIo, adopt: setOwner };

/** A backend named by host name: resolved per connection, as net.connect does. */
function resolveAndConnect(up: TcpHandle, backend: Backend): void {
  lookup(backend.host, (err, address, family) => {
    const c = ownerOf<Connection>(up);
    // Closed meanwhile (connect timeout, client gone): nothing to connect any more.
    if (c.upstream !== up || c.upstreamState !== Side.Connecting) return;
    if (err !== null) c.onConnectDone(up, 'connect error');
    else connectHandle(up, address, backend.port, family, afterConnect);
  });
}

function afterConnect(this: UvRequest, status: number, up: TcpHandle): void {
  ownerOf<Connection>(up).onConnectDone(up, status === 0 ? null : connectFailure(status));
}

/** A failed connect's libuv status (a net.Socket error's errno is the same number) in passive-health words. */
export function connectFailure(status: number): ConnectFailure {
  return status === UV_ECONNREFUSED ? 'connect refused'
    : status === UV_ECONNRESET ? 'connect reset'
      : status === UV_ETIMEDOUT ? 'connect timeout'
        : localFailure(status) ?? 'connect error';
}

function onClosed(this: TcpHandle): void {
  ownerOf<Connection>(this).onHandleClosed(this);
}
