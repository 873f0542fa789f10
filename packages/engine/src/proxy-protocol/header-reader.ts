// The accept side of the PROXY protocol (README "PROXY protocol"): a service with
// `acceptProxyProtocol` takes clients only from the peers in its `from` list (another balancer,
// a cloud NLB), and each must open with a v1 or v2 header. Until the header is complete the
// client handle belongs to a HeaderReader here — no Connection, no backend, not counted as
// active — bounded in time (PROXY_HEADER_TIMEOUT_MS) and in bytes (parse-header.ts). Then the
// service screens and serves the client as the address the header named. Services without
// acceptProxyProtocol never get here: their accept path is unchanged.
import type { AcceptRejectReason } from '@fulcrum/shared/enums';
import type { ClientFilter } from '../client-filter.ts';
import { closeHandle, copyChunk, ownerOf, readResult, setOwner, startReading, type TcpHandle } from '../tcp-handle.ts';
import { parseProxyHeader, type ProxyEndpoint } from './parse-header.ts';

/**
 * How long a trusted peer has to send its complete header. A balancer sends it with its first
 * segment, so 3 s is generous; a stuck or silent peer is closed (and counted) rather than held
 * (nginx's proxy_protocol_timeout defaults to 30 s).
 */
export const PROXY_HEADER_TIMEOUT_MS = 3000;

/** Who the client is, after an accepted header (the peer's own addresses for LOCAL / UNKNOWN / UNSPEC / UNIX). */
export interface ProxiedOrigin {
  readonly source: ProxyEndpoint;
  readonly destination: ProxyEndpoint | null;
  /** Client bytes that arrived in the same reads as the header (latin1), forwarded to the backend first; '' = none. */
  readonly early: string;
}

/** What the accept side needs of its service (Service, structurally). */
export interface ProxyAcceptOwner {
  /** The parsed `acceptProxyProtocol.from` list; null = the service accepts no headers. */
  readonly proxyTrust: ClientFilter | null;
  readonly io: { peer(handle: TcpHandle): { address?: string; port?: number }; local(handle: TcpHandle): { address?: string; port?: number } };
  readonly rejectedByReason: Record<AcceptRejectReason, number>;
  /** Clients whose header is still being read (closed at shutdown). */
  readonly pendingHeaders: Set<HeaderReader>;
  /** The header was read: screen (allow/deny) and serve the client as `origin.source`. */
  admitProxied(client: TcpHandle, origin: ProxiedOrigin): void;
}

/** An endpoint from getpeername/getsockname, or null when the socket is gone. */
export function endpointOf(p: { address?: string; port?: number }): ProxyEndpoint | null {
  return p.address === undefined || p.port === undefined ? null : { address: p.address, port: p.port };
}

/**
 * A client just accepted by a service with acceptProxyProtocol: a peer outside `from` is
 * closed and counted at once (like HAProxy's `accept-proxy`, the port speaks only the PROXY
 * protocol, so a direct client is a misconfiguration to see, not to serve); a trusted peer
 * gets a HeaderReader.
 */
export function acceptProxied(owner: ProxyAcceptOwner, client: TcpHandle): void {
  const trust = owner.proxyTrust as ClientFilter;
  if (!trust.admits(owner.io.peer(client).address ?? '')) {
    owner.rejectedByReason['proxy-untrusted']++;
    client.close();
    return;
  }
  new HeaderReader(owner, client);
}

/** Reads one client's PROXY header, within the time and size bounds. */
export class HeaderReader {
  readonly #owner: ProxyAcceptOwner;
  readonly #client: TcpHandle;
  /** Bytes so far, when one read did not complete the header. */
  #buf: Buffer | null = null;
  #timer: NodeJS.Timeout | null;

  constructor(owner: ProxyAcceptOwner, client: TcpHandle) {
    this.#owner = owner;
    this.#client = client;
    owner.pendingHeaders.add(this);
    setOwner(client, this);
    this.#timer = setTimeout(HeaderReader.#onTimeout, PROXY_HEADER_TIMEOUT_MS, this);
    if (startReading(client, onHeaderRead) !== 0) this.close(null);
  }

  /** Closes the client (counted under `reason` unless null: it left, or the service is shutting down). */
  close(reason: AcceptRejectReason | null): void {
    if (!this.#finish()) return;
    if (reason !== null) this.#owner.rejectedByReason[reason]++;
    closeHandle(this.#client, noop);
  }

  /** One read's bytes. */
  onBytes(chunk: Buffer): void {
    const buf = this.#buf === null ? chunk : Buffer.concat([this.#buf, chunk]);
    const r = parseProxyHeader(buf);
    if (r.kind === 'incomplete') {
      this.#buf = buf;
      return;
    }
    if (r.kind === 'invalid') {
      this.close('proxy-invalid');
      return;
    }
    const io = this.#owner.io;
    const source = r.header.source ?? endpointOf(io.peer(this.#client));
    if (source === null) {
      this.close(null);
      return;
    }
    if (!this.#finish()) return;
    this.#client.readStop();
    const destination = r.header.destination ?? endpointOf(io.local(this.#client));
    this.#owner.admitProxied(this.#client, { source, destination, early: buf.toString('latin1', r.header.length) });
  }

  /** Stops the timer and leaves the pending set; false if that already happened. */
  #finish(): boolean {
    if (this.#timer === null) return false;
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#buf = null;
    this.#owner.pendingHeaders.delete(this);
    return true;
  }

  static #onTimeout(r: HeaderReader): void {
    r.close('proxy-timeout');
  }
}

function onHeaderRead(this: TcpHandle): undefined {
  const n = readResult();
  const reader = ownerOf<HeaderReader>(this);
  // FIN or an error before the header: the peer left (a balancer's own TCP check does that); not counted.
  if (n <= 0) reader.close(null);
  else reader.onBytes(copyChunk(n));
  return undefined;
}

function noop(): void {}
