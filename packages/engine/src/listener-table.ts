// The listening sockets of a load balancer, one per listen address (README "TLS SNI routing").
// An address with one service and no `sni` is that service's own: it accepts there itself, no
// peek, exactly as without SNI routing. An address where a service names `sni` is shared: its
// SharedListener peeks at each client's ClientHello and hands the client to the service that
// serves the name. The socket of an address stays bound while any service uses it, whatever
// services come and go on it (and whether it is shared or not), so a config change never
// refuses a connection there; it closes when no service is left.
import type { Server } from 'node:net';
import type { ServiceConfig } from './config.ts';
import type { Service } from './service.ts';
import type { ConnectionIo } from './connection.ts';
import { namesSni } from '@fulcrum/shared/sni';
import { listen } from './listen.ts';
import { SniRoutes } from './sni-routes.ts';
import { SharedListener } from './sni-peek.ts';

/** How the table binds (the load balancer's options). */
export interface ListenerTableOptions {
  reusePort: boolean;
  inherited?: (host: string, port: number) => number | undefined;
  /** Bounds of the SNI peek. */
  peek: { maxBytes: number; timeoutMs: number };
  onListenerError(serviceId: number, err: NodeJS.ErrnoException): void;
}

/** One listen address. */
export interface ListenerEntry {
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  /** The services on it (config order). */
  serviceIds: number[];
  /** Set while the address is shared (a service on it names sni). */
  shared: SharedListener<Service> | null;
}

/** The table key of a service's address; port 0 binds one ephemeral port per service (never shared). */
export const listenKey = (sc: ServiceConfig): string => (sc.port === 0 ? `${sc.host}|0|#${sc.id}` : `${sc.host}|${sc.port}`);

/** Every listen address of a config, with its services (config order). */
export function groupByAddress(config: { services: readonly ServiceConfig[] }): Map<string, ServiceConfig[]> {
  const groups = new Map<string, ServiceConfig[]>();
  for (const sc of config.services) {
    const key = listenKey(sc);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [sc]);
    else group.push(sc);
  }
  return groups;
}

/** The listening sockets, by address. */
export class ListenerTable {
  readonly #opts: ListenerTableOptions;
  readonly #entries = new Map<string, ListenerEntry>();

  constructor(opts: ListenerTableOptions) {
    this.#opts = opts;
  }

  /**
   * Phase 1 of an apply (can fail): binds each address of `groups` that has no socket yet. On a
   * failure every socket bound here is closed again and the error is thrown; nothing changed.
   */
  async bindNew(groups: ReadonlyMap<string, ServiceConfig[]>): Promise<Map<string, Server>> {
    const bound = new Map<string, Server>();
    try {
      for (const [key, group] of groups) {
        if (this.#entries.has(key)) continue;
        const first = group[0] as ServiceConfig;
        bound.set(key, await listen(first.id, first.host, first.port, this.#opts.reusePort, (err) => this.#opts.onListenerError(first.id, err), this.#opts.inherited?.(first.host, first.port)));
      }
    } catch (err) {
      for (const s of bound.values()) s.close();
      throw err;
    }
    return bound;
  }

  /**
   * Phase 2 (cannot fail): gives every address its services and every service its socket, and
   * closes the sockets of addresses no service uses any more. `services` holds every configured
   * service, already created or updated for this config; `io` is their relay (a shared address
   * accepts and peeks through it).
   */
  commit(groups: ReadonlyMap<string, ServiceConfig[]>, bound: ReadonlyMap<string, Server>, services: ReadonlyMap<number, Service>, io: ConnectionIo): void {
    for (const [key, group] of groups) {
      let entry = this.#entries.get(key);
      if (entry === undefined) {
        const first = group[0] as ServiceConfig;
        entry = { host: first.host, port: first.port, server: bound.get(key) as Server, serviceIds: [], shared: null };
        this.#entries.set(key, entry);
      }
      entry.serviceIds = group.map((sc) => sc.id);
      const members = group.map((sc) => services.get(sc.id) as Service);
      if (group.some(namesSni)) this.#share(entry, members, io);
      else {
        // One service on its own address: it accepts there itself (a shared address that lost its
        // SNI services becomes its last service's own again; peeks in progress still finish).
        entry.shared = null;
        (members[0] as Service).attach(entry.server, true);
      }
    }
    for (const [key, entry] of this.#entries) {
      if (groups.has(key)) continue;
      entry.server.close();
      entry.shared?.destroyAll();
      this.#entries.delete(key);
    }
  }

  #share(entry: ListenerEntry, members: Service[], io: ConnectionIo): void {
    const routes = new SniRoutes(members);
    if (entry.shared === null) {
      const shared = new SharedListener<Service>(routes, this.#opts.peek, io);
      entry.shared = shared;
      // The address's first service reports its accept errors (they are the address's, not one service's).
      io.acceptFrom(entry.server, (client) => shared.accept(client), (status) => shared.routes.services[0]?.onAcceptError(status));
    } else entry.shared.routes = routes;
    for (const m of members) m.attach(entry.server, false);
  }

  /** The socket of address `key`: bound before, or in this apply's phase 1. */
  serverOf(key: string, bound: ReadonlyMap<string, Server>): Server {
    return this.#entries.get(key)?.server ?? (bound.get(key) as Server);
  }

  /** Every listening socket (one per address). */
  entries(): ListenerEntry[] {
    return [...this.#entries.values()];
  }

  /** Stops accepting everywhere and closes the clients still being peeked at (shutdown). */
  closeAll(): void {
    for (const entry of this.#entries.values()) {
      entry.server.close();
      entry.shared?.destroyAll();
    }
  }
}
