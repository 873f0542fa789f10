// The socket relay: the same ConnectionIo as the native relay (connector.ts + relay.ts), over
// net.Socket, public API only. The engine runs it where the native relay's Node internals are
// missing or not as it needs them (relay-choice.ts) — a new Node release, Node's permission
// model — and on request (`relay: 'socket'`), for comparison. It keeps every guarantee the
// connection's lifecycle relies on: bytes relayed as they come, in order, byte-exact;
// backpressure (a write() that reports a full buffer pauses the side that produced it, 'drain'
// resumes it); half-close (allowHalfOpen, one end() forwarded per direction, behind the data);
// the same socket options; and every state change handed to the connection as the native relay
// does (onConnectDone, onReadEnd, onWriteEnd, onHandleClosed, fail with the same reasons).
// Handlers are module-level functions with `this` = the socket, as in relay.ts; it costs about
// twice the native relay's CPU per chunk (docs/BENCHMARKS.md), the price of the stream machinery.
import net, { type Server, type Socket } from 'node:net';
import type { Backend } from './backend.ts';
import type { Connection, ConnectionIo, Endpoint } from './connection.ts';
import { Side, canRead } from './connection-state.ts';
import { KEEPALIVE_INITIAL_DELAY_S, connectFailure } from './connector.ts';
import { readPrefaceSocket } from './socket-preface.ts';
import { ownerOf, setOwner } from './tcp-handle.ts';

/** Nagle off and TCP keepalive on, as the native relay sets them. */
function tune(s: Socket): void {
  s.setNoDelay(true);
  s.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_S * 1000);
}

/** The socket relay's ConnectionIo. */
export const socketIo: ConnectionIo = {
  relay: 'socket',
  acceptFrom(server: Server, onClient: (client: Endpoint) => void): void {
    // listen.ts builds every server with allowHalfOpen and pauseOnConnect: nothing is read
    // before the backend is connected, as with the native relay. Accept errors reach the
    // server's 'error' listener (listen.ts reports them). Called again on every apply (the
    // listener table re-attaches its services): the newest handler replaces the one before, as
    // the native relay's onconnection does.
    server.removeAllListeners('connection');
    server.on('connection', onClient);
  },
  drop(client: Endpoint): void {
    (client as Socket).destroy();
  },
  readPreface: readPrefaceSocket,
  adopt(client: Endpoint, c: Connection): void {
    const s = client as Socket;
    setOwner(s, c);
    tune(s);
    s.on('error', onError);
    s.on('close', onClose);
  },
  connect(c: Connection, backend: Backend): Endpoint {
    // A host name is resolved by net.connect, per connection, as the native relay does.
    const s = net.connect({ host: backend.host, port: backend.port, allowHalfOpen: true });
    setOwner(s, c);
    tune(s);
    s.on('connect', onConnect);
    s.on('error', onError);
    s.on('close', onClose);
    return s;
  },
  startRelay(c: Connection, first: string | null): void {
    const client = c.client as Socket;
    const up = c.upstream as Socket;
    // A PROXY protocol header for the backend goes first, ahead of any client byte; then the
    // client bytes a preface read took (an SNI peek's ClientHello, the data after a PROXY header).
    if (first !== null) up.write(first, 'latin1');
    const preface = c.preface;
    if (preface !== null) {
      c.preface = null;
      (c.backend as Backend).bytesIn += preface.length;
      // A full buffer already: the client starts paused, and 'drain' resumes it.
      if (!up.write(preface)) c.clientPaused = true;
    }
    for (const s of [client, up]) {
      s.on('end', onEnd);
      s.on('finish', onFinish);
      s.on('drain', onDrain);
    }
    client.on('data', onData);
    // Paused since accept (pauseOnConnect, or the end of a preface read): flowing from now on.
    if (!c.clientPaused) client.resume();
    up.on('data', onFirstBackendData);
  },
  discardClient(c: Connection): number {
    const client = c.client as Socket;
    client.removeListener('data', onData);
    client.on('data', discard);
    client.removeListener('end', onEnd);
    client.on('end', onDiscardEnd);
    if (c.clientPaused) {
      c.clientPaused = false;
      client.resume();
    }
    return 0;
  },
  endAfterQueued(_c: Connection, handle: Endpoint): void {
    endOnce(handle as Socket);
  },
  close(handle: Endpoint): void {
    (handle as Socket).destroy();
  },
  peer(handle: Endpoint): { address?: string; port?: number } {
    const s = handle as Socket;
    return s.remoteAddress === undefined ? {} : { address: s.remoteAddress, port: s.remotePort };
  },
  local(handle: Endpoint): { address?: string; port?: number } {
    const s = handle as Socket;
    return s.localAddress === undefined ? {} : { address: s.localAddress, port: s.localPort };
  },
};

/** Our FIN to `s`, behind what was written to it, at most once. */
function endOnce(s: Socket): void {
  if (!s.writableEnded && !s.destroyed) s.end();
}

function onConnect(this: Socket): void {
  ownerOf<Connection>(this).onConnectDone(this, null);
}

/** The backend's first chunk: passive health learns it spoke; the chunks after it go through onData alone. */
function onFirstBackendData(this: Socket, chunk: Buffer): void {
  this.removeListener('data', onFirstBackendData);
  this.on('data', onData);
  onData.call(this, chunk);
  ownerOf<Connection>(this).onBackendFirstByte();
}

function onData(this: Socket, chunk: Buffer): void {
  const c = ownerOf<Connection>(this);
  const backend = c.backend as Backend;
  if (c.idleMs > 0) c.lastActive = performance.now();
  if (this === c.client) {
    backend.bytesIn += chunk.length;
    if (c.upstreamState >= Side.Closing) return;
    if (!(c.upstream as Socket).write(chunk) && !c.clientPaused) {
      // The backend's buffer is full: stop reading the client until it drains.
      c.clientPaused = true;
      this.pause();
    }
  } else {
    backend.bytesOut += chunk.length;
    if (c.clientState >= Side.Closing) return;
    if (!(c.client as Socket).write(chunk) && !c.upstreamPaused) {
      c.upstreamPaused = true;
      this.pause();
    }
  }
}

/** `this` took everything written to it: the side feeding it reads again. */
function onDrain(this: Socket): void {
  const c = ownerOf<Connection>(this);
  if (this === c.client) {
    if (!c.upstreamPaused) return;
    c.upstreamPaused = false;
    if (canRead(c.upstreamState)) (c.upstream as Socket).resume();
  } else if (this === c.upstream) {
    if (!c.clientPaused) return;
    c.clientPaused = false;
    if (canRead(c.clientState)) (c.client as Socket).resume();
  }
}

/** The peer's FIN: the connection hears it, and it goes on to the other side behind the data (half-close). */
function onEnd(this: Socket): void {
  const c = ownerOf<Connection>(this);
  c.onReadEnd(this);
  const toClient = this !== c.client;
  const dst = (toClient ? c.client : c.upstream) as Socket;
  if ((toClient ? c.clientState : c.upstreamState) < Side.Closing) endOnce(dst);
}

/** Ending: the client's FIN is not forwarded (the backend has ours already). */
function onDiscardEnd(this: Socket): void {
  ownerOf<Connection>(this).onReadEnd(this);
}

function discard(): void {}

/** Our FIN went out. */
function onFinish(this: Socket): void {
  ownerOf<Connection>(this).onWriteEnd(this, 0);
}

function onError(this: Socket, err: NodeJS.ErrnoException): void {
  const c = ownerOf<Connection>(this);
  if (this === c.client) {
    if (c.clientState < Side.Closing) c.fail('client-error');
  } else if (this === c.upstream) {
    if (c.upstreamState === Side.Connecting) c.onConnectDone(this, connectFailure(typeof err.errno === 'number' ? err.errno : 0));
    else if (c.upstreamState < Side.Closing) c.fail('backend-error');
  }
}

/**
 * The socket is closed (destroyed by close(), or by itself after an error): the connection's
 * close callback. One that closed without the connection asking is an error of that side.
 */
function onClose(this: Socket): void {
  const c = ownerOf<Connection>(this);
  if (this === c.client) {
    if (c.clientState < Side.Closing) c.fail('client-error');
  } else if (this === c.upstream && c.upstreamState < Side.Closing) {
    if (c.upstreamState === Side.Connecting) c.onConnectDone(this, 'connect error');
    else c.fail('backend-error');
  }
  c.onHandleClosed(this);
}
