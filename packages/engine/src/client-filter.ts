// A service's `allow` and `deny` lists (README "Who may connect"), checked when a client is
// accepted, before the strategy picks or any backend is touched. The lists are parsed once per
// config apply; a check reads the peer address (the getpeername(2) the hash strategies would
// otherwise make: the Connection reuses it), parses it once with ipaddr.js and loops over the
// pre-parsed ranges of the same family.
import ipaddr from 'ipaddr.js';
import { parseCidrList, type CidrRange } from '@fulcrum/shared/cidr';
import type { ServiceConfig } from './config.ts';
import type { Endpoint } from './connection-io.ts';

type Range4 = [ipaddr.IPv4, number];
type Range6 = [ipaddr.IPv6, number];

function split(ranges: CidrRange[]): { v4: Range4[]; v6: Range6[] } {
  const v4: Range4[] = [];
  const v6: Range6[] = [];
  for (const r of ranges) {
    if (r[0] instanceof ipaddr.IPv4) v4.push([r[0], r[1]]);
    else v6.push([r[0], r[1]]);
  }
  return { v4, v6 };
}

function matches4(ip: ipaddr.IPv4, ranges: Range4[]): boolean {
  for (let i = 0; i < ranges.length; i++) if (ip.match(ranges[i] as Range4)) return true;
  return false;
}

function matches6(ip: ipaddr.IPv6, ranges: Range6[]): boolean {
  for (let i = 0; i < ranges.length; i++) if (ip.match(ranges[i] as Range6)) return true;
  return false;
}

/** Parsed allow/deny lists of one service. */
export class ClientFilter {
  readonly #allow4: Range4[];
  readonly #allow6: Range6[];
  readonly #deny4: Range4[];
  readonly #deny6: Range6[];
  readonly #allowAll: boolean;

  constructor(allow: readonly string[], deny: readonly string[]) {
    const a = split(parseCidrList(allow));
    const d = split(parseCidrList(deny));
    this.#allow4 = a.v4;
    this.#allow6 = a.v6;
    this.#deny4 = d.v4;
    this.#deny6 = d.v6;
    this.#allowAll = allow.length === 0;
  }

  /**
   * True when a client at `address` may be served: not denied, and allowed when `allow` is set.
   * An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, a dual-stack listener's IPv4 client) is
   * matched as the IPv4 address. An unreadable address ('' : the client already left) is refused.
   */
  admits(address: string): boolean {
    if (address === '') return false;
    let ip: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      // One parse (isValid() first would parse twice); getpeername only ever yields valid text.
      ip = ipaddr.process(address);
    } catch {
      return false;
    }
    if (ip instanceof ipaddr.IPv4) return !matches4(ip, this.#deny4) && (this.#allowAll || matches4(ip, this.#allow4));
    return !matches6(ip, this.#deny6) && (this.#allowAll || matches6(ip, this.#allow6));
  }
}

/** The filter of a service config, or null when it has neither list (then no check is made at all). */
export function clientFilterOf(config: ServiceConfig): ClientFilter | null {
  const allow = config.allow ?? [];
  const deny = config.deny ?? [];
  return allow.length === 0 && deny.length === 0 ? null : new ClientFilter(allow, deny);
}

/** What screenClient needs of a service (Service, structurally). */
export interface ScreeningService {
  readonly clientFilter: ClientFilter | null;
  readonly rejectedByReason: { denied: number };
  readonly io: { peer(handle: Endpoint): { address?: string }; drop(client: Endpoint): void };
}

/** screenClient's answer for a client that was refused and closed. */
export const REFUSED = false;

/**
 * Checks a just-accepted client against the service's lists. Refused: counted, closed at once
 * (no byte read, no backend connect), REFUSED returned. Admitted: the peer address when it was
 * read (the Connection keeps it for the hash strategies), else null.
 */
export function screenClient(service: ScreeningService, client: Endpoint): string | null | typeof REFUSED {
  const filter = service.clientFilter;
  if (filter === null) return null;
  const address = service.io.peer(client).address ?? '';
  if (filter.admits(address)) return address;
  service.rejectedByReason.denied++;
  service.io.drop(client);
  return REFUSED;
}
