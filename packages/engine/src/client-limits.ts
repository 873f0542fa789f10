// A service's `limits` (README "How much one client may take: `limits`"), checked when a client
// is accepted, after allow/deny and before a Connection exists, the strategy picks or any backend
// is touched: at most `perClientConnections` concurrent connections and `perClientRate` new ones
// per client (an IPv4 address or an IPv6 prefix, client-key.ts), `serviceRate` new ones for the
// whole service. Per-client state lives in a bounded ClientTable. admitClient() is the one call
// an accept path makes (a PROXY-protocol step calls it with the decoded address); the
// connection's one finalize (Service.onEnd) calls ClientLimits.release() with the entry it got.
// All state is this process's (with --workers, each worker counts its own clients: README).
import type { ClientLimitsDto, RateLimitDto } from '@fulcrum/shared/api';
import type { AcceptRejectReason } from '@fulcrum/shared/enums';
import { CLIENT_LIMITS_DEFAULTS } from '@fulcrum/shared/defaults';
import type { Endpoint } from './connection-io.ts';
import { clientKey } from './client-key.ts';
import { ClientTable, type ClientEntry } from './client-table.ts';
import { fullAfterMs, hasToken, refill, takeToken, type BucketState } from './token-bucket.ts';

export type { ClientEntry } from './client-table.ts';

/** Why admit() refused a client (a key of rejectedByReason). */
export type LimitReason = Extract<AcceptRejectReason, 'perClientConnections' | 'perClientRate' | 'serviceRate' | 'clientTableFull'>;

/** The live limits of one service; kept across config changes so counts and buckets survive them. */
export class ClientLimits {
  #config: ClientLimitsDto;
  readonly #table: ClientTable;
  readonly #service: BucketState = { tokens: 0, at: -1 };

  constructor(config: ClientLimitsDto) {
    this.#config = config;
    this.#table = new ClientTable(config.tableSize);
  }

  get config(): ClientLimitsDto {
    return this.#config;
  }

  /** The client table, for stats. */
  get table(): { readonly size: number; readonly peak: number; readonly capacity: number } {
    return this.#table;
  }

  /**
   * New limits for clients accepted from now on. Established connections stay and keep their
   * counts (lowering perClientConnections closes nothing; a client over the new limit gets no
   * new connection until it is under it); buckets keep their tokens, at most a burst of the new size.
   */
  reconfigure(config: ClientLimitsDto): void {
    this.#config = config;
    this.#table.resize(config.tableSize);
  }

  /** True when the service has a per-client limit (then admitted clients are tracked in the table). */
  get perClient(): boolean {
    return this.#config.perClientConnections !== null || this.#config.perClientRate !== null;
  }

  /**
   * Admits one connection of the client at `address` ('' = unknown: the client already left;
   * then only serviceRate applies). Returns its entry (hand it to release()), null when it is
   * not tracked, or the reason it was refused (then nothing was counted or taken).
   */
  admit(address: string): ClientEntry | null | LimitReason {
    const c = this.#config;
    const rate = c.perClientRate;
    const perClient = address !== '' && (c.perClientConnections !== null || rate !== null);
    const now = rate !== null || c.serviceRate !== null ? performance.now() : 0;
    let entry: ClientEntry | undefined;
    let key = '';
    if (perClient) {
      this.#table.expire(now, rate === null ? 0 : fullAfterMs(rate));
      key = clientKey(address, c.ipv6Prefix);
      entry = this.#table.get(key);
      if (entry !== undefined) {
        if (c.perClientConnections !== null && entry.conns >= c.perClientConnections) return 'perClientConnections';
        if (rate !== null) {
          refill(entry, rate, now);
          if (!hasToken(entry)) return 'perClientRate';
        }
      }
    }
    if (c.serviceRate !== null) {
      refill(this.#service, c.serviceRate, now);
      if (!hasToken(this.#service)) return 'serviceRate';
    }
    if (!perClient) {
      if (c.serviceRate !== null) takeToken(this.#service);
      return null;
    }
    if (entry === undefined) {
      const added = this.#table.add(key);
      if (added === null) return 'clientTableFull';
      entry = added;
      if (rate !== null) refill(entry, rate, now);
    }
    if (c.serviceRate !== null) takeToken(this.#service);
    if (rate !== null) takeToken(entry);
    this.#table.hold(entry);
    return entry;
  }

  /** A connection admitted with `entry` ended (exactly once per admitted connection). */
  release(entry: ClientEntry): void {
    this.#table.release(entry, this.#config.perClientRate !== null);
  }
}

/**
 * The live limits of a service config: null while no limit was ever set (no check at all), else
 * `current` reconfigured (also when every limit is turned off: its connections still release
 * their entries, and turning a limit back on finds their counts), or a new one.
 */
export function clientLimitsOf(config: { limits?: ClientLimitsDto | undefined }, current: ClientLimits | null): ClientLimits | null {
  const l = config.limits ?? CLIENT_LIMITS_DEFAULTS;
  if (current !== null) {
    current.reconfigure(l);
    return current;
  }
  const any = l.perClientConnections !== null || l.perClientRate !== null || l.serviceRate !== null;
  return any ? new ClientLimits(l) : null;
}

/** What admitClient needs of a service (Service, structurally). */
export interface LimitedService {
  readonly clientLimits: ClientLimits | null;
  readonly rejectedByReason: Record<LimitReason, number>;
  readonly io: { peer(handle: Endpoint): { address?: string }; drop(handle: Endpoint): void };
  /** Reports a refusal; the host bounds how often such reports reach the log (service-error-gate.ts). */
  reportRefusal(code: string, message: string): void;
}

/** admitClient's answer for a client that was refused and closed. */
export const OVER_LIMIT = false;

const CODES: Readonly<Record<LimitReason, string>> = {
  perClientConnections: 'LIMIT_PER_CLIENT_CONNECTIONS',
  perClientRate: 'LIMIT_PER_CLIENT_RATE',
  serviceRate: 'LIMIT_SERVICE_RATE',
  clientTableFull: 'LIMIT_CLIENT_TABLE_FULL',
};

const perInterval = (r: RateLimitDto | null): string => (r === null ? 'off' : `${r.connections} per ${r.intervalMs} ms`);

function refusal(reason: LimitReason, address: string, c: ClientLimitsDto): string {
  switch (reason) {
    case 'perClientConnections':
      return `client ${address} refused: it already has ${c.perClientConnections} connections (limits.perClientConnections)`;
    case 'perClientRate':
      return `client ${address} refused: more than ${perInterval(c.perClientRate)} new connections (limits.perClientRate)`;
    case 'serviceRate':
      return `client ${address} refused: the service takes at most ${perInterval(c.serviceRate)} new connections (limits.serviceRate)`;
    case 'clientTableFull':
      return `client ${address} refused: the client table is full (limits.tableSize ${c.tableSize} clients with live connections)`;
  }
}

/**
 * Checks a just-accepted client against the service's limits. `address` is the peer address if
 * the caller has it (allow/deny read it; a PROXY header decoded it), else it is read here when a
 * per-client limit needs it. Refused: counted per reason, reported (rate-bounded), closed at once
 * (no byte read, no backend connect), OVER_LIMIT returned. Admitted: the client's entry to
 * release when the connection ends, or null when nothing needs releasing.
 */
export function admitClient(service: LimitedService, client: Endpoint, address: string | null): ClientEntry | null | typeof OVER_LIMIT {
  const limits = service.clientLimits;
  if (limits === null) return null;
  const peer = address ?? (limits.perClient ? (service.io.peer(client).address ?? '') : '');
  const entry = limits.admit(peer);
  if (typeof entry !== 'string') return entry;
  const reason = entry;
  service.rejectedByReason[reason]++;
  service.io.drop(client);
  service.reportRefusal(CODES[reason], refusal(reason, peer === '' ? '(address unknown)' : peer, limits.config));
  return OVER_LIMIT;
}
