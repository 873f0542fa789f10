// The peek of a shared listen address (README "TLS SNI routing"): reads a new client's first
// bytes until they are a whole ClientHello (tls/client-hello.ts), picks the service by its server
// name (sni-routes.ts) and hands the client handle over with the bytes read so far, which that
// service's connection writes to the backend before anything else. TLS is never terminated and
// no key is held. Bounded: at most `maxBytes` are read and the client gets `timeoutMs` to send
// them; a malformed or oversized ClientHello, a silent client, or a name with no route is closed
// and counted on every service of the address (no single service was chosen).
import type { AcceptRejectReason } from '@fulcrum/shared/enums';
import { parseClientHello } from './tls/client-hello.ts';
import type { SniRoute, SniRoutes } from './sni-routes.ts';
import { READ_EOF, copyRead, ownerOf, readResult, setOwner, startReading, type TcpHandle } from './tcp-handle.ts';

/** A service as the peek sees it. */
export interface PeekService extends SniRoute {
  readonly rejectedByReason: Record<AcceptRejectReason, number>;
  /** Takes over `client` (not reading), whose first bytes `preface` were already read. */
  acceptPeeked(client: TcpHandle, preface: Uint8Array): void;
}

/** Default peek bounds: a ClientHello (even with post-quantum key shares) is well under 16 KiB. */
export const SNI_PEEK_DEFAULTS = { maxBytes: 16 * 1024, timeoutMs: 5000 } as const;

/** One shared listen address: its current routes and the clients being peeked at. */
export class SharedListener<S extends PeekService = PeekService> {
  /** Replaced on each config apply; a peek in progress routes with the routes of its end. */
  routes: SniRoutes<S>;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly #peeks = new Set<Peek<S>>();

  constructor(routes: SniRoutes<S>, bounds: { maxBytes: number; timeoutMs: number }) {
    this.routes = routes;
    this.maxBytes = bounds.maxBytes;
    this.timeoutMs = bounds.timeoutMs;
  }

  /** A client was accepted: start reading its ClientHello. */
  accept(client: TcpHandle): void {
    const peek = new Peek(this, client);
    this.#peeks.add(peek);
    setOwner(client, peek);
    if (startReading(client, onPeekRead) !== 0) peek.close(null);
  }

  /** Closes every client still being peeked at (shutdown). */
  destroyAll(): void {
    for (const p of [...this.#peeks]) p.close(null);
  }

  /** A peek ended (handed over or closed). */
  done(peek: Peek<S>): void {
    this.#peeks.delete(peek);
  }
}

class Peek<S extends PeekService> {
  readonly listener: SharedListener<S>;
  readonly client: TcpHandle;
  bytes: Buffer = Buffer.alloc(0);
  readonly #timer: NodeJS.Timeout;
  #done = false;

  constructor(listener: SharedListener<S>, client: TcpHandle) {
    this.listener = listener;
    this.client = client;
    this.#timer = setTimeout(onPeekTimeout, listener.timeoutMs, this);
  }

  /** New bytes arrived: decide if they are enough. */
  add(chunk: Buffer): void {
    this.bytes = this.bytes.length === 0 ? chunk : Buffer.concat([this.bytes, chunk]);
    const r = parseClientHello(this.bytes, this.listener.maxBytes);
    switch (r.kind) {
      case 'need-more':
        if (this.bytes.length >= this.listener.maxBytes) this.close('sniOversized');
        return;
      case 'malformed':
        this.close('sniMalformed');
        return;
      case 'oversized':
        this.close('sniOversized');
        return;
      case 'not-tls':
        this.route(null);
        return;
      case 'hello':
        this.route(r.serverName);
        return;
    }
  }

  route(serverName: string | null): void {
    const service = this.listener.routes.pick(serverName);
    if (service === null) {
      this.close('sniNoRoute');
      return;
    }
    this.#finish();
    this.client.readStop();
    service.acceptPeeked(this.client, this.bytes);
  }

  /** Closes the client; counted under `reason` unless null (it left, or shutdown). */
  close(reason: AcceptRejectReason | null): void {
    if (this.#done) return;
    this.#finish();
    if (reason !== null) for (const s of this.listener.routes.services) s.rejectedByReason[reason]++;
    this.client.close();
  }

  #finish(): void {
    this.#done = true;
    clearTimeout(this.#timer);
    this.listener.done(this);
  }
}

function onPeekRead(this: TcpHandle): undefined {
  const n = readResult();
  const peek = ownerOf<Peek<PeekService>>(this);
  if (n > 0) peek.add(copyRead(n));
  // FIN or an error before a whole ClientHello: a client that sent nothing just left; one that
  // sent part of a ClientHello sent a truncated one.
  else if (n === READ_EOF) peek.close(peek.bytes.length > 0 && peek.bytes[0] === 22 ? 'sniMalformed' : null);
  else if (n < 0) peek.close(null);
  return undefined;
}

function onPeekTimeout(peek: Peek<PeekService>): void {
  peek.close('sniTimeout');
}
