// The peek of a shared listen address (README "TLS SNI routing"): a new client's ClientHello is
// its preface — the relay reads it (ConnectionIo.readPreface, either relay) until the bytes are
// a whole ClientHello (tls/client-hello.ts) — then the service is picked by its server name
// (sni-routes.ts) and the client handed over with every byte read, which that service's
// connection writes to the backend before anything else. TLS is never terminated and no key is
// held. Bounded: at most `maxBytes` are read and the client gets `timeoutMs` to send them; a
// malformed or oversized ClientHello, a silent client, or a name with no route is closed and
// counted on every service of the address (no single service was chosen).
import type { AcceptRejectReason } from '@fulcrum/shared/enums';
import { parseClientHello, type ClientHelloResult } from './tls/client-hello.ts';
import type { SniRoute, SniRoutes } from './sni-routes.ts';
import { PREFACE_INVALID, PREFACE_MORE, type ConnectionIoOf, type Endpoint, type PrefaceOutcome, type PrefaceRead, type PrefaceReader } from './connection-io.ts';

/** A service as the peek sees it. */
export interface PeekService extends SniRoute {
  readonly rejectedByReason: Record<AcceptRejectReason, number>;
  /** Its accept path (service-accept.ts): takes over `client` (not reading), whose first bytes `preface` were already read. */
  readonly admission: { accept(client: Endpoint, preface: Uint8Array | null): void };
}

/** What the peek needs of the relay: reading the preface, closing a client it refuses. */
export type PeekIo = Pick<ConnectionIoOf<unknown>, 'readPreface' | 'drop'>;

/** Default peek bounds: a ClientHello (even with post-quantum key shares) is well under 16 KiB. */
export const SNI_PEEK_DEFAULTS = { maxBytes: 16 * 1024, timeoutMs: 5000 } as const;

/** One shared listen address: its current routes and the clients being peeked at. */
export class SharedListener<S extends PeekService = PeekService> {
  /** Replaced on each config apply; a peek in progress routes with the routes of its end. */
  routes: SniRoutes<S>;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly io: PeekIo;
  readonly #peeks = new Set<Peek<S>>();

  constructor(routes: SniRoutes<S>, bounds: { maxBytes: number; timeoutMs: number }, io: PeekIo) {
    this.routes = routes;
    this.maxBytes = bounds.maxBytes;
    this.timeoutMs = bounds.timeoutMs;
    this.io = io;
  }

  /** A client was accepted: start reading its ClientHello. */
  accept(client: Endpoint): void {
    const peek = new Peek(this);
    // Before the read: its outcome may come before readPreface returns.
    this.#peeks.add(peek);
    peek.read = this.io.readPreface(client, this.maxBytes, this.timeoutMs, peek);
  }

  /** Closes every client still being peeked at (shutdown). */
  destroyAll(): void {
    for (const p of [...this.#peeks]) {
      this.#peeks.delete(p);
      p.read?.abort();
    }
  }

  /** A peek ended; false when it had ended before (shutdown). */
  done(peek: Peek<S>): boolean {
    return this.#peeks.delete(peek);
  }
}

/** One client's peek: the parser of its preface read, and where the client goes after it. */
class Peek<S extends PeekService> implements PrefaceReader {
  readonly listener: SharedListener<S>;
  read: PrefaceRead | null = null;
  /** What the bytes were, at the parse that ended the read. */
  #result: ClientHelloResult | null = null;

  constructor(listener: SharedListener<S>) {
    this.listener = listener;
  }

  parse(bytes: Buffer): number {
    const r = parseClientHello(bytes, this.listener.maxBytes);
    this.#result = r;
    switch (r.kind) {
      case 'need-more':
        return PREFACE_MORE;
      case 'malformed':
      case 'oversized':
        return PREFACE_INVALID;
      case 'not-tls':
      case 'hello':
        // All of it goes to the backend: the ClientHello is the client's own handshake.
        return bytes.length;
    }
  }

  onPreface(client: Endpoint, outcome: PrefaceOutcome, bytes: Buffer): void {
    const listener = this.listener;
    listener.done(this);
    const r = this.#result;
    if (outcome === 'parsed' && r !== null && (r.kind === 'hello' || r.kind === 'not-tls')) {
      const service = listener.routes.pick(r.kind === 'hello' ? r.serverName : null);
      if (service !== null) {
        service.admission.accept(client, bytes);
        return;
      }
    }
    const reason = rejectReason(outcome, r, bytes);
    if (reason !== null) for (const s of listener.routes.services) s.rejectedByReason[reason]++;
    listener.io.drop(client);
  }
}

/** Why a peek that handed no client over closed it; null: the client just left (not counted). */
function rejectReason(outcome: PrefaceOutcome, r: ClientHelloResult | null, bytes: Buffer): AcceptRejectReason | null {
  switch (outcome) {
    case 'parsed':
      return 'sniNoRoute';
    case 'invalid':
      return r?.kind === 'oversized' ? 'sniOversized' : 'sniMalformed';
    case 'limit':
      return 'sniOversized';
    case 'timeout':
      return 'sniTimeout';
    case 'eof':
      // A client that sent nothing just left; one that sent part of a ClientHello sent a truncated one.
      return bytes.length > 0 && bytes[0] === 22 ? 'sniMalformed' : null;
    case 'error':
      return null;
  }
}
