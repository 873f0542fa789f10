// Checks of a backend address against its service that need more than the address's syntax: a
// backend that is the service's own listener (every connection would loop back into Fulcrum until
// the file descriptors run out) is refused; another spelling of a backend the service already has
// (`localhost:6379` next to `127.0.0.1:6379`), a host name that does not resolve and a service
// without idle timeout are accepted with a warning. Host names are judged by the addresses they
// resolved to before the change (host-resolution.ts); a name that could not be looked up is never
// a loop or a duplicate, only unresolved.
import { networkInterfaces } from 'node:os';
import { isIP, isIPv4 } from 'node:net';
import { formatAddress, parseAddress } from '@fulcrum/shared/address';
import type { HostPort } from '@fulcrum/shared/address';
import type { ApiWarning, WithWarnings } from '@fulcrum/shared/api';
import { ApiError } from '../http/api-error.ts';
import { isLocalhostName, resolveHosts } from './host-resolution.ts';
import type { Resolution } from './host-resolution.ts';

/** One spelling of an IP address: IPv6 compressed and lower-case, IPv4-mapped IPv6 as IPv4. */
export function canonicalIp(ip: string): string {
  if (isIPv4(ip)) return ip;
  const v6 = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (!mapped) return v6;
  const hi = parseInt(mapped[1]!, 16);
  const lo = parseInt(mapped[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';
const isUnspecified = (ip: string): boolean => ip === '0.0.0.0' || ip === '::';

/** The addresses of this host's interfaces (and loopback), canonical. */
function interfaceAddresses(): Set<string> {
  const found = new Set(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) found.add(canonicalIp(a.address.replace(/%.*$/, '')));
  }
  return found;
}

export interface AddressChecksOptions {
  /** What backend host names resolved to before the change (resolveHosts). */
  resolved?: ReadonlyMap<string, Resolution>;
  /** --listen-host: this node's services listen on this host, whatever their stored listen host. */
  listenHost?: string;
}

/** The checks of one change; collects its warnings. */
export class AddressChecks {
  /** Warnings of the change so far, for the response. */
  readonly warnings: ApiWarning[] = [];
  readonly #resolved: ReadonlyMap<string, Resolution>;
  readonly #listenHost: string | undefined;
  #local: Set<string> | undefined;

  constructor(opts: AddressChecksOptions = {}) {
    this.#resolved = opts.resolved ?? new Map();
    this.#listenHost = opts.listenHost;
  }

  /** The IP addresses `host` stands for, or undefined when unknown (a name that did not resolve or was not looked up). */
  addressesOf(host: string): string[] | undefined {
    if (isIP(host) !== 0) return [canonicalIp(host)];
    if (isLocalhostName(host)) return ['127.0.0.1', '::1'];
    const resolution = this.#resolved.get(host.toLowerCase());
    return resolution && 'addresses' in resolution ? resolution.addresses.map(canonicalIp) : undefined;
  }

  #isLocal(ip: string): boolean {
    this.#local ??= interfaceAddresses();
    return isLoopback(ip) || isUnspecified(ip) || this.#local.has(ip);
  }

  /** Whether a connection to `target` reaches a listener bound to `bound` (same port assumed). */
  #reaches(bound: string, target: string): boolean {
    if (bound === '0.0.0.0') return isIPv4(target) && this.#isLocal(target);
    if (bound === '::') return this.#isLocal(target);
    // Connecting to 0.0.0.0 or :: reaches this host's own listeners.
    return target === bound || (isUnspecified(target) && this.#isLocal(bound));
  }

  /** The listen address this node binds for a service listening on `listen`. */
  effectiveListen(listen: HostPort): HostPort {
    return { host: this.#listenHost ?? listen.host, port: listen.port };
  }

  /** True if `backend` is the listener of a service listening on `listen` (this node's view). */
  isSelfLoop(listen: HostPort, backend: HostPort): boolean {
    const bound = this.effectiveListen(listen);
    if (bound.port !== backend.port) return false;
    const listeners = this.addressesOf(bound.host);
    const targets = this.addressesOf(backend.host);
    if (!listeners || !targets) return false;
    return listeners.some((l) => targets.some((t) => this.#reaches(l, t)));
  }

  /**
   * Checks one backend of a service listening on `listen`: 400 SELF_LOOP naming `field`, else
   * warnings for an unresolved name and for another spelling of one of `others` (the service's
   * other backends).
   */
  backend(listen: HostPort, backend: HostPort, field: string, others: readonly HostPort[]): void {
    const address = formatAddress(backend.host, backend.port);
    if (this.isSelfLoop(listen, backend)) {
      const bound = this.effectiveListen(listen);
      throw new ApiError(
        400,
        'SELF_LOOP',
        `${field}: ${address} is this service's own listen address (${formatAddress(bound.host, bound.port)}): every connection would loop back into Fulcrum`,
        field,
      );
    }
    const resolution = this.#resolved.get(backend.host.toLowerCase());
    if (resolution && 'error' in resolution) {
      this.warnings.push({
        code: 'UNRESOLVED_HOST',
        field,
        message: `${field}: host "${backend.host}" does not resolve (${resolution.error}); the backend is kept, but connections to it fail until the name resolves`,
      });
    }
    const mine = this.addressesOf(backend.host);
    if (!mine) return;
    for (const other of others) {
      if (other.port !== backend.port || other.host === backend.host) continue;
      const shared = this.addressesOf(other.host)?.find((ip) => mine.includes(ip));
      if (shared === undefined) continue;
      this.warnings.push({
        code: 'SAME_ENDPOINT',
        field,
        message:
          `${field}: ${address} is the same endpoint as backend ${formatAddress(other.host, other.port)} ` +
          `(both reach ${formatAddress(shared, backend.port)}); it gets connections from both entries`,
      });
      return;
    }
  }

  /** 400 SELF_LOOP naming `field` (the listen address) when listening on `listen` makes `backend` a loop. */
  listenAgainst(listen: HostPort, backend: HostPort, field: string): void {
    if (!this.isSelfLoop(listen, backend)) return;
    const bound = this.effectiveListen(listen);
    throw new ApiError(
      400,
      'SELF_LOOP',
      `${field}: listening on ${formatAddress(bound.host, bound.port)} would make backend ${formatAddress(backend.host, backend.port)} this service's own listener: every connection would loop back into Fulcrum`,
      field,
    );
  }

  /** The note for a new service without idle timeout. */
  noIdleTimeout(idleTimeoutMs: number, field: string): void {
    if (idleTimeoutMs !== 0) return;
    this.warnings.push({
      code: 'NO_IDLE_TIMEOUT',
      field,
      message:
        `${field}: no idle timeout (0, the default): idle connections stay open until the client or the backend closes them, ` +
        'which long-lived database and Redis connections need; set idleTimeoutMs to close idle ones',
    });
  }

  /** The warnings of this change that concern `prefix`ed fields, for re-prefixing by the caller. */
  prefixFrom(start: number, prefix: string): void {
    for (const w of this.warnings.slice(start)) {
      w.message = `${prefix}${w.message}`;
      w.field = `${prefix}${w.field}`;
    }
  }
}

/**
 * The checks of one change: looks up the host names of `addresses` first (bounded by
 * RESOLVE_TIMEOUT_MS; call it before taking the config mutex). Unparsable addresses are skipped:
 * the change itself refuses them.
 */
export async function checksFor(addresses: Iterable<string | undefined>, listenHost?: string): Promise<AddressChecks> {
  const hosts: string[] = [];
  for (const address of addresses) {
    const parsed = parseAddress(address);
    if (parsed.ok) hosts.push(parsed.value.host);
  }
  return new AddressChecks({ resolved: await resolveHosts(hosts), listenHost });
}

/** `dto` with the change's warnings, when there are any. */
export function answerWith<T extends object>(dto: T, warnings: readonly ApiWarning[]): T & WithWarnings {
  return warnings.length > 0 ? { ...dto, warnings: [...warnings] } : dto;
}
