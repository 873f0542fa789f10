// A bounded read of an accepted client's first bytes before it is relayed
// (ConnectionIo.readPreface): the part both relays share — the bytes gathered, the caller's
// parser asked after each read, the byte and time bounds, exactly one outcome. Each relay
// supplies how its handle reads, stops and closes (native-preface.ts over a libuv handle,
// socket-preface.ts over a net.Socket). One object and one timer per client, and only for the
// services that read a preface (PROXY protocol, a shared SNI address): every other accept
// never gets here.
import { PREFACE_INVALID, type Endpoint, type PrefaceOutcome, type PrefaceRead, type PrefaceReader } from './connection-io.ts';

const NO_BYTES = Buffer.alloc(0);

/** One client's preface read; a relay's subclass reads the handle and calls onBytes / onEnd. */
export abstract class PrefaceReadBase implements PrefaceRead {
  readonly client: Endpoint;
  readonly #reader: PrefaceReader;
  readonly #maxBytes: number;
  /** Every byte read so far. */
  #bytes: Buffer = NO_BYTES;
  /** null once the read ended (or was aborted). */
  #timer: NodeJS.Timeout | null;

  constructor(client: Endpoint, maxBytes: number, timeoutMs: number, reader: PrefaceReader) {
    this.client = client;
    this.#reader = reader;
    this.#maxBytes = maxBytes;
    this.#timer = setTimeout(PrefaceReadBase.#onTimeout, timeoutMs, this);
  }

  /** The relay read `chunk` (bytes this read may keep): asks the parser whether they are enough. */
  onBytes(chunk: Buffer): void {
    if (this.#timer === null) return;
    // A preface is usually one read; a second one (a split header) is rare enough to copy.
    const bytes = this.#bytes.length === 0 ? chunk : Buffer.concat([this.#bytes, chunk]);
    this.#bytes = bytes;
    const consumed = this.#reader.parse(bytes);
    if (consumed >= 0) this.#end('parsed', consumed);
    else if (consumed === PREFACE_INVALID) this.#end('invalid', 0);
    else if (bytes.length >= this.#maxBytes) this.#end('limit', 0);
  }

  /** The relay's read ended before the preface: the client's FIN, or an error. */
  onEnd(outcome: 'eof' | 'error'): void {
    this.#end(outcome, 0);
  }

  abort(): void {
    if (!this.#stopTimer()) return;
    this.#bytes = NO_BYTES;
    this.closeClient();
  }

  /** Stops reading the client; whatever it sends next stays for the relay. */
  protected abstract stopReading(): void;
  /** Closes the client (abort). */
  protected abstract closeClient(): void;

  #end(outcome: PrefaceOutcome, consumed: number): void {
    if (!this.#stopTimer()) return;
    this.stopReading();
    const bytes = this.#bytes;
    this.#bytes = NO_BYTES;
    this.#reader.onPreface(this.client, outcome, bytes, consumed);
  }

  /** False when the read had already ended. */
  #stopTimer(): boolean {
    if (this.#timer === null) return false;
    clearTimeout(this.#timer);
    this.#timer = null;
    return true;
  }

  static #onTimeout(this: void, r: PrefaceReadBase): void {
    r.#end('timeout', 0);
  }
}
