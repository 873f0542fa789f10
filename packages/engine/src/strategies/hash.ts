// Hashing for the hash strategies: fast, non-cryptographic and allocation-free, because it
// runs once per new connection.

/** murmur3's 32-bit finaliser: spreads every input bit over the whole output. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a (32-bit) of `s` from index `start`, finished with mix32. */
export function hashString(s: string, start = 0): number {
  let h = 0x811c9dc5;
  for (let i = start; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Plain FNV leaves keys that differ only in the last octet close together; mixing fixes it.
  return mix32(h);
}

/**
 * Hash of a client IP. An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a dual-stack
 * listener reports) hashes like the plain IPv4 address, so a client keeps its backend
 * whichever way it arrives.
 */
export function hashClientAddress(address: string): number {
  return hashString(address, isMappedIpv4(address) ? 7 : 0);
}

function isMappedIpv4(address: string): boolean {
  // Only the dotted form is a mapped address; `::ffff:abcd` is an ordinary IPv6 address.
  return (address.startsWith('::ffff:') || address.startsWith('::FFFF:')) && address.indexOf('.', 7) > 7;
}
