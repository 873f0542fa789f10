// The second half of the native relay's check (native-bindings.ts has the first): one loopback
// round trip through the adapter itself (tcp-handle.ts), so the meaning of what Node exposes is
// checked, not only its shape. net.Server's `_handle` takes the accept over; a fresh handle
// connects and gets its socket options; a small latin1 write completes at once (the
// last-write-was-async slot says 0) and is read back as the same characters (the read-result
// slot holds its length); a 16 MiB write to a peer that does not read has to queue (that slot
// says 1, the queue size grows) and completes later; a read handler's returned buffer is the one
// the next reads fill (the bulk path); every byte arrives in order; FIN reads as UV_EOF; the
// byte counters add up. About 30 ms (measured on Node 20 here), once per process (relay-choice.ts).
import net from 'node:net';
import {
  READ_EOF, WRITE_PENDING,
  acceptRaw, bulkChunk, closeHandle, connectHandle, isBulkRead, listeningHandle, newSocketHandle, newWriteRequest, peerAddress,
  readResult, shutdownHandle, startBulk, startReading, takeChunk, writeChunk,
  type TcpHandle,
} from './tcp-handle.ts';
import { KEEPALIVE_INITIAL_DELAY_S } from './connector.ts';

/** Characters of every kind the string path carries: ASCII, NUL, high latin1 bytes. */
const SMALL = 'fulcrum\u0000\u0080\u00ff';
/** More than loopback's socket buffers hold while the peer does not read (tcp_wmem max 4 MiB). */
const BIG = 16 * 1024 * 1024;
/** The big write's bytes: offset i holds i % 251, so a misplaced chunk shows. */
const PERIOD = 251;
const PROBE_TIMEOUT_MS = 5000;

/** Runs the round trip; resolves with what went wrong ([] = the native relay works here). */
export function probeNativeRelay(): Promise<string[]> {
  return new Promise((resolve) => {
    const server = net.createServer();
    let client: TcpHandle | null = null;
    let accepted: TcpHandle | null = null;
    let done = false;
    const finish = (problem?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const h of [client, accepted]) {
        try {
          if (h !== null) closeHandle(h, noop);
        } catch {
          // Closing a handle the probe could not use: nothing more to learn from it.
        }
      }
      server.close();
      resolve(problem === undefined ? [] : [problem]);
    };
    /** A step (a callback, with its `this` and result): a throw is a finding, never a crash. */
    const step = <T, A extends unknown[], R>(what: string, fn: (this: T, ...args: A) => R) =>
      function (this: T, ...args: A): R | undefined {
        if (done) return undefined;
        try {
          return fn.apply(this, args);
        } catch (err) {
          finish(`${what} threw: ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        }
      };
    const timer = setTimeout(() => finish(`the loopback round trip did not finish within ${PROBE_TIMEOUT_MS / 1000} s`), PROBE_TIMEOUT_MS);
    let connected = false;
    let port = 0;

    const start = step('accepting and connecting', () => {
      if (listeningHandle(server) === null) return finish("net.Server's _handle is not a TCP handle");
      port = (server.address() as net.AddressInfo).port;
      acceptRaw(server, step('accept', (h: TcpHandle) => {
        accepted = h;
        if (connected) exchangeSmall();
      }), (status) => finish(`accept failed (${status})`));
      const h = newSocketHandle();
      client = h;
      if (h.setNoDelay(true) !== 0 || h.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_S) !== 0) return finish('setNoDelay/setKeepAlive on a fresh handle failed');
      connectHandle(h, '127.0.0.1', port, 4, step('connect', (status: number) => {
        if (status !== 0) return finish(`a loopback connect failed (${status})`);
        connected = true;
        if (accepted !== null) exchangeSmall();
      }));
    });

    const exchangeSmall = step('the small exchange', () => {
      const [c, a] = [client as TcpHandle, accepted as TcpHandle];
      const peer = peerAddress(c);
      if (peer.address !== '127.0.0.1' || peer.port !== port) return finish(`getpeername gave ${peer.address}:${peer.port}, not 127.0.0.1:${port}`);
      if (startReading(a, step('the small read', onSmallRead)) !== 0) return finish('readStart failed');
      const r = writeChunk(c, newWriteRequest(noop), SMALL);
      if (r !== 0) finish(r === WRITE_PENDING ? `a ${SMALL.length}-byte write reports as queued (the last-write-was-async slot)` : `a small write failed (${r})`);
    });

    function onSmallRead(this: TcpHandle): undefined {
      const n = readResult();
      if (n !== SMALL.length) return void finish(`the read-result slot says ${n} for a ${SMALL.length}-byte read`);
      const chunk = takeChunk(n);
      if (chunk !== SMALL) return void finish(`${JSON.stringify(SMALL)} was read back as ${JSON.stringify(chunk)}`);
      this.readStop();
      writeBig();
      return undefined;
    }

    let written = -1;
    const writeBig = step('the big write', () => {
      const [c, a] = [client as TcpHandle, accepted as TcpHandle];
      const data = Buffer.allocUnsafe(BIG).fill(Uint8Array.from({ length: PERIOD }, (_, i) => i));
      const r = writeChunk(c, newWriteRequest(step('the big write completion', (status: number) => (written = status))), data);
      if (r !== WRITE_PENDING) return finish(r < 0 ? `a big write failed (${r})` : `a ${BIG}-byte write to a peer that does not read completed at once (the last-write-was-async slot)`);
      if (c.writeQueueSize <= 0) return finish('a queued write left writeQueueSize at 0');
      if (shutdownHandle(c, noop) !== 0) return finish('shutdown failed');
      a.onread = step('a big read', onBigRead);
      if (a.readStart() !== 0) finish('readStart after readStop failed');
    });

    let received = 0;
    let bulk = false;
    function onBigRead(this: TcpHandle): Uint8Array | undefined {
      const n = readResult();
      if (n === READ_EOF) return void endOfStream(this);
      if (n <= 0) return void finish(`a read failed (${n})`);
      const chunk = bulk ? bulkChunk(this, n) : takeChunk(n);
      const at = (i: number): number => (typeof chunk === 'string' ? chunk.charCodeAt(i) : (chunk[i] as number));
      for (let i = 0; i < n; i += 997) if (at(i) !== (received + i) % PERIOD) return void finish(`byte ${received + i} arrived wrong${bulk ? ' (the read handler\'s returned buffer is not the one read into)' : ''}`);
      if (at(n - 1) !== (received + n - 1) % PERIOD) return void finish(`byte ${received + n - 1} arrived wrong`);
      received += n;
      if (bulk || !isBulkRead(n)) return undefined;
      bulk = true;
      return startBulk(this);
    }

    function endOfStream(a: TcpHandle): void {
      const c = client as TcpHandle;
      if (received !== BIG) return finish(`FIN arrived after ${received} of ${BIG} bytes`);
      if (!bulk) return finish('no read was big enough for the bulk path');
      if (written !== 0) return finish(`the big write completed with ${written}`);
      if (c.writeQueueSize !== 0) return finish('writeQueueSize is not 0 after every write completed');
      const total = SMALL.length + BIG;
      if (c.bytesWritten !== total || a.bytesRead !== total) return finish(`byte counters say ${c.bytesWritten} written, ${a.bytesRead} read, of ${total}`);
      finish();
    }

    server.on('error', (err) => finish(`the loopback listener failed: ${err.message}`));
    server.listen({ host: '127.0.0.1', port: 0 }, start);
  });
}

function noop(): void {}
