// The accept side of the PROXY protocol (README "PROXY protocol"): a service with
// `acceptProxyProtocol` takes clients only from the peers in its `from` list (another balancer,
// a cloud NLB), and each must open with a v1 or v2 header. The header is the client's preface:
// the relay reads it (ConnectionIo.readPreface, either relay) bounded in time
// (PROXY_HEADER_TIMEOUT_MS) and in bytes (V2_MAX_LENGTH, parse-header.ts); until then the client
// belongs to a HeaderReader here — no Connection, no backend, not counted as active. Then the
// service screens and serves the client as the address the header named, and the bytes that
// came after the header go to the backend first. Services without acceptProxyProtocol never get
// here: their accept path is unchanged.
import type { AcceptRejectReason } from '@fulcrum/shared/enums';
import type { ClientFilter } from '../client-filter.ts';
import { PREFACE_INVALID, PREFACE_MORE, type ConnectionIoOf, type Endpoint, type PrefaceOutcome, type PrefaceRead, type PrefaceReader } from '../connection-io.ts';
import { V1_MAX_LENGTH, V2_MAX_LENGTH, parseProxyHeader, type ProxyEndpoint, type ProxyHeader } from './parse-header.ts';

/**
 * How long a trusted peer has to send its complete header. A balancer sends it with its first
 * segment, so 3 s is generous; a stuck or silent peer is closed (and counted) rather than held
 * (nginx's proxy_protocol_timeout defaults to 30 s).
 */
export const PROXY_HEADER_TIMEOUT_MS = 3000;

/** The most bytes read for a header: the longest one accepted (parse-header.ts refuses longer ones itself). */
const PROXY_HEADER_MAX_BYTES = Math.max(V1_MAX_LENGTH, V2_MAX_LENGTH);

/** Who the client is, after an accepted header (the peer's own addresses for LOCAL / UNKNOWN / UNSPEC / UNIX). */
export interface ProxiedOrigin {
  readonly source: ProxyEndpoint;
  readonly destination: ProxyEndpoint | null;
}

/** What the accept side needs of its service (its accept path, service-accept.ts, structurally). */
export interface ProxyAcceptOwner {
  /** The parsed `acceptProxyProtocol.from` list; null = the service accepts no headers. */
  readonly proxyTrust: ClientFilter | null;
  readonly io: Pick<ConnectionIoOf<unknown>, 'peer' | 'local' | 'drop' | 'readPreface'>;
  readonly rejectedByReason: Record<AcceptRejectReason, number>;
  /** Clients whose header is still being read (closed at shutdown). */
  readonly pendingHeaders: Set<HeaderReader>;
  /**
   * The header was read: screen (allow/deny) and serve the client as `origin.source`; `rest`
   * (the client's bytes after the header, maybe empty) goes to the backend first.
   */
  admitProxied(client: Endpoint, origin: ProxiedOrigin, rest: Uint8Array): void;
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
export function acceptProxied(owner: ProxyAcceptOwner, client: Endpoint): void {
  const trust = owner.proxyTrust as ClientFilter;
  if (!trust.admits(owner.io.peer(client).address ?? '')) {
    owner.rejectedByReason['proxy-untrusted']++;
    owner.io.drop(client);
    return;
  }
  new HeaderReader(owner, client);
}

/** One client's PROXY header: the parser of its preface read, and what follows it. */
export class HeaderReader implements PrefaceReader {
  readonly #owner: ProxyAcceptOwner;
  readonly #read: PrefaceRead;
  /** The header, once the bytes hold a whole valid one. */
  #header: ProxyHeader | null = null;

  constructor(owner: ProxyAcceptOwner, client: Endpoint) {
    this.#owner = owner;
    // Before the read: its outcome may come before readPreface returns.
    owner.pendingHeaders.add(this);
    this.#read = owner.io.readPreface(client, PROXY_HEADER_MAX_BYTES, PROXY_HEADER_TIMEOUT_MS, this);
  }

  /** Closes the client: it is no longer waited for (shutdown). */
  close(): void {
    if (this.#owner.pendingHeaders.delete(this)) this.#read.abort();
  }

  parse(bytes: Buffer): number {
    const r = parseProxyHeader(bytes);
    if (r.kind === 'incomplete') return PREFACE_MORE;
    if (r.kind === 'invalid') return PREFACE_INVALID;
    this.#header = r.header;
    return r.header.length;
  }

  onPreface(client: Endpoint, outcome: PrefaceOutcome, bytes: Buffer, consumed: number): void {
    const owner = this.#owner;
    owner.pendingHeaders.delete(this);
    const reason = rejectReason(outcome);
    const header = this.#header;
    if (reason !== null || header === null) {
      if (reason !== null) owner.rejectedByReason[reason]++;
      owner.io.drop(client);
      return;
    }
    const source = header.source ?? endpointOf(owner.io.peer(client));
    // The peer left meanwhile (its address is gone): nothing to serve, not counted.
    if (source === null) {
      owner.io.drop(client);
      return;
    }
    const destination = header.destination ?? endpointOf(owner.io.local(client));
    owner.admitProxied(client, { source, destination }, bytes.subarray(consumed));
  }
}

/** The counted reason of a read that brought no header; null for a header, or a peer that left (a balancer's own TCP check does that). */
function rejectReason(outcome: PrefaceOutcome): AcceptRejectReason | null {
  switch (outcome) {
    case 'parsed':
    case 'eof':
    case 'error':
      return null;
    case 'invalid':
    case 'limit':
      return 'proxy-invalid';
    case 'timeout':
      return 'proxy-timeout';
  }
}
