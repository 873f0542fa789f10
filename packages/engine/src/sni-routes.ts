// The routing table of one shared listen address (README "TLS SNI routing"): which service a
// TLS server name goes to. Exact names win over wildcards; `*.example.com` stands for exactly
// one label (`a.example.com`, not `example.com` nor `a.b.example.com`), as in certificates;
// names compare in lower case. The service on the address without `sni` is the default route:
// clients without a server name, without TLS, or with a name no one lists.
import { normalizeSniName } from '@fulcrum/shared/sni';

/** A service as the routes see it. */
export interface SniRoute {
  readonly config: { readonly sni?: readonly string[] | null };
}

/** Routes of one address, built once per config apply (the services are already validated). */
export class SniRoutes<S extends SniRoute> {
  readonly #exact = new Map<string, S>();
  /** Keyed by what follows `*.`. */
  readonly #wildcard = new Map<string, S>();
  readonly #default: S | null;
  /** Every service on the address (listener-level rejects are counted on each). */
  readonly services: readonly S[];

  constructor(services: readonly S[]) {
    this.services = services;
    let fallback: S | null = null;
    for (const s of services) {
      const names = s.config.sni;
      if (names === undefined || names === null) {
        fallback = s;
        continue;
      }
      for (const raw of names) {
        const name = normalizeSniName(raw);
        if (name.startsWith('*.')) this.#wildcard.set(name.slice(2), s);
        else this.#exact.set(name, s);
      }
    }
    this.#default = fallback;
  }

  /** The service for `serverName` (lower case; null = none sent, or not TLS), or null: no route. */
  pick(serverName: string | null): S | null {
    if (serverName === null) return this.#default;
    const exact = this.#exact.get(serverName);
    if (exact !== undefined) return exact;
    const dot = serverName.indexOf('.');
    if (dot > 0) {
      const wild = this.#wildcard.get(serverName.slice(dot + 1));
      if (wild !== undefined) return wild;
    }
    return this.#default;
  }
}
