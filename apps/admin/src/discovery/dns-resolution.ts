// One resolution of a discovery group: A and AAAA records of a name, or SRV records and the
// addresses of their targets. Uses node:dns's c-ares Resolver (never getaddrinfo): it reports
// TTLs, does not block the libuv thread pool, and can be pointed at a server (--dns-server).
import { isIP } from 'node:net';
import type { Resolver } from 'node:dns/promises';
import { BACKEND_LIMITS } from '@fulcrum/shared/limits';
import type { DiscoveryType } from '@fulcrum/shared/api';

/** One address a resolution found. */
export interface ResolvedMember {
  host: string;
  port: number;
  /** SRV: the record's weight (clamped to the backend weight range); dns: null (the group's weight applies). */
  weight: number | null;
  /** SRV: the record's priority (lower is preferred); dns: 0. */
  priority: number;
}

/** A successful resolution: at least one member, and the smallest TTL seen (seconds; undefined if none was reported). */
export interface Resolution {
  members: ResolvedMember[];
  ttlSeconds: number | undefined;
}

/** A failed resolution; `code` is c-ares' (ENOTFOUND = NXDOMAIN, ENODATA = no records, ETIMEOUT, ESERVFAIL, ECONNREFUSED…). */
export class ResolutionError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ResolutionError';
    this.code = code;
  }
}

const WHAT: Record<string, string> = {
  ENOTFOUND: 'the name does not exist (NXDOMAIN)',
  ENODATA: 'the name has no records of this type (empty answer)',
  ETIMEOUT: 'no answer from the DNS server in time',
  ESERVFAIL: 'the DNS server failed (SERVFAIL)',
  EREFUSED: 'the DNS server refused the query',
  ECONNREFUSED: 'the DNS server cannot be reached (connection refused)',
};

function toResolutionError(err: unknown, query: string): ResolutionError {
  const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'EUNKNOWN';
  return new ResolutionError(code, `${query}: ${WHAT[code] ?? (err as Error).message ?? code}`);
}

/** A and AAAA records of `name`; one family failing is fine when the other answers. */
async function addresses(resolver: Resolver, name: string): Promise<{ hosts: string[]; ttl: number | undefined }> {
  if (isIP(name) !== 0) return { hosts: [name], ttl: undefined };
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(name, { ttl: true }), resolver.resolve6(name, { ttl: true })]);
  const records = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (records.length === 0) {
    // Prefer the error that says most: a missing name or a failing server over "no AAAA records".
    const errors = [v4, v6].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const telling = errors.find((e) => (e as { code?: string }).code !== 'ENODATA') ?? errors[0];
    throw telling === undefined ? new ResolutionError('ENODATA', `A/AAAA ${name}: ${WHAT.ENODATA}`) : toResolutionError(telling, `A/AAAA ${name}`);
  }
  return { hosts: [...new Set(records.map((r) => r.address))], ttl: Math.min(...records.map((r) => r.ttl)) };
}

const minTtl = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

const clampWeight = (w: number): number => Math.min(BACKEND_LIMITS.weight.max, Math.max(1, w));

/**
 * Resolves a group once. dns: every A/AAAA address at `port`. srv: every SRV target's addresses
 * at the record's port, with its weight and priority. Node's resolver does not report an SRV
 * record's own TTL, so the targets' address TTLs schedule the next resolution. An empty answer
 * is an error: a group is never emptied by DNS.
 */
export async function resolveGroup(resolver: Resolver, type: DiscoveryType, name: string, port: number): Promise<Resolution> {
  if (type === 'dns') {
    const { hosts, ttl } = await addresses(resolver, name);
    return { members: hosts.map((host) => ({ host, port, weight: null, priority: 0 })), ttlSeconds: ttl };
  }
  let records;
  try {
    records = await resolver.resolveSrv(name);
  } catch (err) {
    throw toResolutionError(err, `SRV ${name}`);
  }
  // RFC 2782: a single record with target "." says the service is decidedly not available here.
  records = records.filter((r) => r.name !== '' && r.name !== '.');
  if (records.length === 0) throw new ResolutionError('ENODATA', `SRV ${name}: ${WHAT.ENODATA}`);
  const targets = new Map<string, Promise<{ hosts: string[]; ttl: number | undefined }>>();
  for (const r of records) if (!targets.has(r.name)) targets.set(r.name, addresses(resolver, r.name));
  const settled = new Map<string, PromiseSettledResult<{ hosts: string[]; ttl: number | undefined }>>();
  await Promise.all([...targets].map(async ([target, p]) => settled.set(target, await Promise.allSettled([p]).then((r) => r[0]!))));
  const members = new Map<string, ResolvedMember>();
  let ttl: number | undefined;
  let firstError: unknown;
  for (const r of records) {
    const result = settled.get(r.name)!;
    if (result.status === 'rejected') {
      firstError ??= result.reason;
      continue;
    }
    ttl = minTtl(ttl, result.value.ttl);
    for (const host of result.value.hosts) {
      const key = `${host}|${r.port}`;
      if (!members.has(key)) members.set(key, { host, port: r.port, weight: clampWeight(r.weight), priority: r.priority });
    }
  }
  // Targets that do not resolve are left out; none resolving is a failure like an empty answer.
  if (members.size === 0) throw firstError instanceof ResolutionError ? firstError : toResolutionError(firstError, `SRV ${name}`);
  return { members: [...members.values()], ttlSeconds: ttl };
}
