// Looks up backend host names before a change takes the config mutex, with one deadline for all of
// them: a slow or dead DNS server costs a change at most RESOLVE_TIMEOUT_MS and never holds up the
// changes queued behind it. The engine connects through the same system resolver (getaddrinfo,
// /etc/hosts included), so what does not resolve here will not connect there either.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** What a name resolved to, or why it did not. */
export type Resolution = { addresses: string[] } | { error: string };

/** Resolves one host name to its addresses (the system resolver by default). */
export type Lookup = (host: string) => Promise<string[]>;

/** The deadline of one change's lookups. */
export const RESOLVE_TIMEOUT_MS = 1500;

/** At most this many distinct names are looked up per change (a large import does not flood the resolver threads). */
export const MAX_LOOKUPS = 256;

const systemLookup: Lookup = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** `localhost` and `*.localhost` always mean the loopback interface (RFC 6761); no lookup needed. */
export function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** True for a host name that must be looked up (not an IP literal, not localhost). */
export function needsLookup(host: string): boolean {
  return isIP(host) === 0 && !isLocalhostName(host);
}

/**
 * Looks up every distinct name in `hosts` (IP literals and localhost are skipped) in parallel; each
 * gets its addresses or an error (`ENOTFOUND`, `no answer within 1500 ms`). Resolves within
 * `timeoutMs` whatever the resolver does; a lookup still running then is left to finish unobserved.
 */
export async function resolveHosts(
  hosts: Iterable<string>,
  opts: { timeoutMs?: number; lookup?: Lookup } = {},
): Promise<Map<string, Resolution>> {
  const names = [...new Set([...hosts].map((h) => h.toLowerCase()).filter(needsLookup))].slice(0, MAX_LOOKUPS);
  const result = new Map<string, Resolution>();
  if (names.length === 0) return result;
  const timeoutMs = opts.timeoutMs ?? RESOLVE_TIMEOUT_MS;
  const lookup = opts.lookup ?? systemLookup;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  await Promise.all(
    names.map(async (name) => {
      const attempt = lookup(name).then(
        (addresses): Resolution => (addresses.length > 0 ? { addresses } : { error: 'no addresses' }),
        (err: NodeJS.ErrnoException): Resolution => ({ error: err.code ?? err.message }),
      );
      const outcome = await Promise.race([attempt, deadline]);
      result.set(name, outcome === 'timeout' ? { error: `no answer within ${timeoutMs} ms` } : outcome);
    }),
  );
  clearTimeout(timer);
  return result;
}
