// Which client a connection counts for in a service's `limits` (README "How much one client may
// take"): an IPv4 address as it is, an IPv6 address by its first `ipv6Prefix` bits (one host or
// site usually owns a whole /64: counting single addresses would give it 2^64 budgets).
import ipaddr from 'ipaddr.js';

const MAPPED = '::ffff:';

/**
 * The per-client key of a peer address: `a.b.c.d` for IPv4 (also when a dual-stack listener
 * reports it IPv4-mapped, `::ffff:a.b.c.d`), `2001:db8:1:2/64` for IPv6 (the first
 * ceil(prefix/16) groups, the last one masked, and the prefix length), and the text itself for
 * anything ipaddr.js cannot read. An IPv4 address (the common case) costs no allocation.
 */
export function clientKey(address: string, ipv6Prefix: number): string {
  if (address.indexOf(':') === -1) return address;
  if (address.startsWith(MAPPED) && address.indexOf('.') !== -1) return address.slice(MAPPED.length);
  let ip: ipaddr.IPv6;
  try {
    ip = ipaddr.IPv6.parse(address);
  } catch {
    return address;
  }
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address().toString();
  const parts = ip.parts;
  let key = '';
  for (let bits = ipv6Prefix, i = 0; bits > 0; bits -= 16, i++) {
    const group = parts[i] as number;
    const masked = bits >= 16 ? group : group & ((0xffff << (16 - bits)) & 0xffff);
    key += (i === 0 ? '' : ':') + masked.toString(16);
  }
  return `${key}/${ipv6Prefix}`;
}
