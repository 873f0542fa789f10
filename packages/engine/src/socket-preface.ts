// The socket relay's preface read (ConnectionIo.readPreface, preface-read.ts has the shared
// part). The accepted socket is paused (listen.ts: pauseOnConnect); it flows while the preface is
// read and each 'data' chunk (a buffer of its own) goes to the parser. pause() inside the 'data'
// handler that completes the preface stops the flow: later bytes, and a FIN, wait in the
// socket's buffer until startRelay() resumes it, so none is lost. Our listeners come off again,
// so the connection's own (adopt, startRelay) are the only ones after. Handlers are module-level
// functions with `this` = the socket, as in socket-relay.ts.
import type { Socket } from 'node:net';
import type { Endpoint, PrefaceRead, PrefaceReader } from './connection-io.ts';
import { PrefaceReadBase } from './preface-read.ts';
import { ownerOf, setOwner } from './tcp-handle.ts';

class SocketPrefaceRead extends PrefaceReadBase {
  constructor(client: Socket, maxBytes: number, timeoutMs: number, reader: PrefaceReader) {
    super(client, maxBytes, timeoutMs, reader);
    setOwner(client, this);
    client.on('data', onPrefaceData);
    client.on('end', onPrefaceEnd);
    client.on('error', onPrefaceError);
    client.resume();
  }

  protected stopReading(): void {
    const s = this.client as Socket;
    s.pause();
    s.removeListener('data', onPrefaceData);
    s.removeListener('end', onPrefaceEnd);
    s.removeListener('error', onPrefaceError);
  }

  protected closeClient(): void {
    // Our 'error' listener stays: the socket is gone either way.
    (this.client as Socket).destroy();
  }
}

function onPrefaceData(this: Socket, chunk: Buffer): void {
  ownerOf<SocketPrefaceRead>(this).onBytes(chunk);
}

function onPrefaceEnd(this: Socket): void {
  ownerOf<SocketPrefaceRead>(this).onEnd('eof');
}

function onPrefaceError(this: Socket): void {
  ownerOf<SocketPrefaceRead>(this).onEnd('error');
}

/** socketIo.readPreface. */
export function readPrefaceSocket(client: Endpoint, maxBytes: number, timeoutMs: number, reader: PrefaceReader): PrefaceRead {
  return new SocketPrefaceRead(client as Socket, maxBytes, timeoutMs, reader);
}
