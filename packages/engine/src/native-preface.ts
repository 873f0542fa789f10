// The native relay's preface read (ConnectionIo.readPreface, preface-read.ts has the shared
// part): the client handle reads into the shared buffer like any other, each read is copied out
// (the few reads of a preface are kept, not relayed), and readStop() ends it — later bytes stay
// in the kernel until startRelay() reads the handle again. The read handler is a module-level
// function that finds its read through the handle's owner, as relay.ts does.
import type { Endpoint, PrefaceRead, PrefaceReader } from './connection-io.ts';
import { PrefaceReadBase } from './preface-read.ts';
import { READ_EOF, copyRead, ownerOf, readResult, setOwner, startReading, type TcpHandle } from './tcp-handle.ts';

class NativePrefaceRead extends PrefaceReadBase {
  constructor(client: TcpHandle, maxBytes: number, timeoutMs: number, reader: PrefaceReader) {
    super(client, maxBytes, timeoutMs, reader);
    setOwner(client, this);
    if (startReading(client, onPrefaceRead) !== 0) this.onEnd('error');
  }

  protected stopReading(): void {
    (this.client as TcpHandle).readStop();
  }

  protected closeClient(): void {
    (this.client as TcpHandle).close();
  }
}

function onPrefaceRead(this: TcpHandle): undefined {
  const n = readResult();
  const read = ownerOf<NativePrefaceRead>(this);
  if (n > 0) read.onBytes(copyRead(n));
  else if (n < 0) read.onEnd(n === READ_EOF ? 'eof' : 'error');
  return undefined;
}

/** handleIo.readPreface. An outcome may come before it returns (the handle could not start reading). */
export function readPrefaceNative(client: Endpoint, maxBytes: number, timeoutMs: number, reader: PrefaceReader): PrefaceRead {
  return new NativePrefaceRead(client as TcpHandle, maxBytes, timeoutMs, reader);
}
