// A service's accept path: from an accepted client handle to a Connection the service
// dispatches, or a client closed and counted (rejectedByReason). In order: a retired service
// drops it; acceptProxyProtocol reads the PROXY header first (proxy-protocol/header-reader.ts)
// and continues with the address it named; allow/deny (client-filter.ts); `limits`
// (client-limits.ts); then the Connection gets its id, its lifetime jitter
// (connection-lifetime.ts) and the bytes a preface read took (an SNI peek's ClientHello, the data
// after a PROXY header). The lists, limits and trusted senders are rebuilt on each config apply
// (configure); a service with none of them does two null checks here and nothing else.
import type { AcceptRejectReason } from '@fulcrum/shared/enums';
import type { ServiceConfig } from './config.ts';
import { Connection, type ConnectionIo, type ConnectionOwner, type Endpoint } from './connection.ts';
import { ClientFilter, REFUSED, clientFilterOf, screenClient } from './client-filter.ts';
import { OVER_LIMIT, admitClient, clientLimitsOf, type ClientLimits } from './client-limits.ts';
import { lifetimeScale } from './connection-lifetime.ts';
import { acceptProxied, type HeaderReader, type ProxiedOrigin, type ProxyAcceptOwner } from './proxy-protocol/header-reader.ts';

/** What the accept path needs of its service (Service, structurally). */
export interface AcceptingService extends ConnectionOwner {
  readonly io: ConnectionIo;
  readonly rejectedByReason: Record<AcceptRejectReason, number>;
  /** Removed from the config: new clients are dropped. */
  readonly retiredService: boolean;
  /** Connections the service holds (the accept path adds each one it creates). */
  active: number;
  readonly host: { nextConnectionId(): number };
  /** Picks a backend for a new connection, or queues or rejects it. */
  dispatch(conn: Connection): void;
  /** A client refused by `limits`, reported at a bounded rate. */
  reportRefusal(code: string, message: string): void;
}

/** The accept path of one service, with the rules it applies. */
export class ServiceAccept implements ProxyAcceptOwner {
  readonly #svc: AcceptingService;
  /** The parsed allow/deny lists; null = no lists, no check. */
  clientFilter: ClientFilter | null = null;
  /** The `limits` with their per-client counts; null = never any limit, no check. Kept across applies. */
  clientLimits: ClientLimits | null = null;
  /** The parsed acceptProxyProtocol.from list; null = no PROXY header is read. */
  proxyTrust: ClientFilter | null = null;
  /** Clients whose PROXY header is still being read. */
  readonly pendingHeaders = new Set<HeaderReader>();
  /** Accepted clients so far: picks each one's lifetime jitter. */
  #accepted = 0;

  constructor(svc: AcceptingService, config: ServiceConfig) {
    this.#svc = svc;
    this.configure(config);
  }

  /** The rules of a (new) config; clients accepted from now on meet them, established ones are untouched. */
  configure(config: ServiceConfig): void {
    this.clientFilter = clientFilterOf(config);
    this.proxyTrust = proxyTrustOf(config);
    this.clientLimits = clientLimitsOf(config, this.clientLimits);
  }

  /** The service's relay, tuned for its listener (it changes when the service attaches). */
  get io(): ConnectionIo {
    return this.#svc.io;
  }

  get rejectedByReason(): Record<AcceptRejectReason, number> {
    return this.#svc.rejectedByReason;
  }

  /** LimitedService: a refusal by `limits`, for the service to report. */
  reportRefusal(code: string, message: string): void {
    this.#svc.reportRefusal(code, message);
  }

  /**
   * A client accepted on the service's listener (`preface` null), or handed over by a shared
   * address's SNI peek with the bytes it read (`preface`: they go to the backend first).
   */
  accept(client: Endpoint, preface: Uint8Array | null): void {
    const svc = this.#svc;
    if (svc.retiredService) {
      svc.io.drop(client);
      return;
    }
    if (this.proxyTrust !== null) {
      acceptProxied(this, client);
      return;
    }
    const address = screenClient(this, client);
    if (address === REFUSED) return;
    this.#admit(client, address, null, preface);
  }

  /** ProxyAcceptOwner: a client's PROXY header was read; it is screened and served as the address it named. */
  admitProxied(client: Endpoint, origin: ProxiedOrigin, rest: Uint8Array): void {
    const svc = this.#svc;
    if (svc.retiredService) {
      svc.io.drop(client);
      return;
    }
    const address = origin.source.address;
    if (this.clientFilter !== null && !this.clientFilter.admits(address)) {
      svc.rejectedByReason.denied++;
      svc.io.drop(client);
      return;
    }
    this.#admit(client, address, origin, rest);
  }

  /** Closes the clients still sending their PROXY header (they have no backend and nothing was relayed). */
  closePending(): void {
    for (const r of [...this.pendingHeaders]) r.close();
  }

  /** `limits`, then the Connection, dispatched. */
  #admit(client: Endpoint, address: string | null, origin: ProxiedOrigin | null, preface: Uint8Array | null): void {
    const entry = admitClient(this, client, address);
    if (entry === OVER_LIMIT) return;
    const svc = this.#svc;
    svc.active++;
    const conn = new Connection(svc, client, address, origin, svc.host.nextConnectionId());
    conn.clientEntry = entry;
    conn.lifetimeScale = lifetimeScale(++this.#accepted);
    if (preface !== null && preface.length > 0) conn.preface = preface;
    svc.dispatch(conn);
  }
}

/** The trusted PROXY header senders of a service config, or null when it reads no header. */
function proxyTrustOf(config: ServiceConfig): ClientFilter | null {
  const from = config.acceptProxyProtocol?.from ?? [];
  return from.length === 0 ? null : new ClientFilter(from, []);
}
