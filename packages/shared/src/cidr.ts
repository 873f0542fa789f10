// Client address ranges of a service's `allow` and `deny` lists (README "Who may connect"):
// parsed by ipaddr.js, the one parser the admin, the engine and the console share.
import ipaddr from 'ipaddr.js';
import { CLIENT_FILTER_LIMITS } from './limits.ts';

/** A parsed range: an IPv4 or IPv6 network and its prefix length. */
export type CidrRange = [ipaddr.IPv4, number] | [ipaddr.IPv6, number];

/** A parse result: the range, or why the text is not one. */
export type CidrParse = { ok: true; range: CidrRange } | { ok: false; reason: string };

const PREFIX = /^\d{1,3}$/;

/**
 * Parses `a.b.c.d/n` or `v6/n`; a bare address is a /32 or /128. Only the dotted-quad IPv4 form
 * is accepted (ipaddr.js alone would also take `10.1` or hex octets). An IPv4-mapped IPv6 range
 * (`::ffff:10.0.0.0/104`) becomes its IPv4 range, so it matches what the client's mapped address
 * is matched as (IPv4).
 */
export function parseCidr(text: string): CidrParse {
  if (text.length === 0 || text.length > CLIENT_FILTER_LIMITS.maxLength) return { ok: false, reason: `must be an address or CIDR of at most ${CLIENT_FILTER_LIMITS.maxLength} characters` };
  const slash = text.indexOf('/');
  const host = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? null : text.slice(slash + 1);
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  if (host.includes(':')) {
    if (host.includes('%') || !ipaddr.IPv6.isValid(host)) return { ok: false, reason: `"${text}" is not an IPv4 or IPv6 address or CIDR` };
    addr = ipaddr.IPv6.parse(host);
  } else {
    if (!ipaddr.IPv4.isValidFourPartDecimal(host)) return { ok: false, reason: `"${text}" is not an IPv4 or IPv6 address or CIDR` };
    addr = ipaddr.IPv4.parse(host);
  }
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  if (prefixText !== null && !PREFIX.test(prefixText)) return { ok: false, reason: `"${text}": the prefix length must be a number from 0 to ${max}` };
  const prefix = prefixText === null ? max : Number(prefixText);
  if (prefix > max) return { ok: false, reason: `"${text}": the prefix length must be from 0 to ${max}` };
  if (addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress() && prefix >= 96) return { ok: true, range: [addr.toIPv4Address(), prefix - 96] };
  return { ok: true, range: addr instanceof ipaddr.IPv4 ? [addr, prefix] : [addr, prefix] };
}

/** The first problem of a list (`field` is `allow[1]`), or null when every entry parses. */
export function checkCidrList(list: readonly string[], name: string): { field: string; reason: string } | null {
  if (list.length > CLIENT_FILTER_LIMITS.maxEntries) return { field: name, reason: `must list at most ${CLIENT_FILTER_LIMITS.maxEntries} entries` };
  for (let i = 0; i < list.length; i++) {
    const parsed = parseCidr(list[i] as string);
    if (!parsed.ok) return { field: `${name}[${i}]`, reason: parsed.reason };
  }
  return null;
}

/** Parses a list already checked with checkCidrList (throws a TypeError on a bad entry). */
export function parseCidrList(list: readonly string[]): CidrRange[] {
  return list.map((text) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) throw new TypeError(parsed.reason);
    return parsed.range;
  });
}
