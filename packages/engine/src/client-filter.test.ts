import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ClientFilter } from './client-filter.ts';

// The reference: integers and BigInts, written from the CIDR definition, nothing shared with ipaddr.js.
function v4(text: string): number {
  return text.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
function inV4(addr: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  return Math.floor(v4(addr) / size) === Math.floor(v4(net) / size);
}
function v6(parts: number[]): bigint {
  return parts.reduce((n, p) => (n << 16n) | BigInt(p), 0n);
}
function inV6(addr: number[], net: number[], bits: number): boolean {
  const shift = BigInt(128 - bits);
  return v6(addr) >> shift === v6(net) >> shift;
}
const hex = (parts: number[]): string => parts.map((p) => p.toString(16)).join(':');

const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const cidr4 = fc.tuple(octets, fc.integer({ min: 0, max: 32 })).map(([a, b]) => `${a}/${b}`);
// Few distinct values per part so that random addresses often fall inside random ranges.
const parts6 = fc.array(fc.constantFrom(0, 1, 0xfe80, 0xffff, 0x2001, 0xdb8), { minLength: 8, maxLength: 8 });

describe('ClientFilter', () => {
  it('serves everyone with no lists, only the allowed with allow, never the denied', () => {
    expect(new ClientFilter([], []).admits('10.1.2.3')).toBe(true);
    const f = new ClientFilter(['127.0.0.0/30', '2001:db8::/32'], ['127.0.0.3']);
    expect(f.admits('127.0.0.1')).toBe(true);
    expect(f.admits('127.0.0.2')).toBe(true);
    expect(f.admits('127.0.0.3')).toBe(false); // deny wins over allow
    expect(f.admits('127.0.0.4')).toBe(false); // not allowed
    expect(f.admits('2001:db8::1')).toBe(true);
    expect(f.admits('2001:db9::1')).toBe(false);
    expect(new ClientFilter([], ['::1']).admits('::1')).toBe(false);
    expect(new ClientFilter([], ['::1']).admits('::2')).toBe(true);
  });

  it('matches IPv4-mapped client addresses as IPv4, against IPv4 and mapped ranges', () => {
    const f = new ClientFilter(['10.0.0.0/8'], ['::ffff:10.9.0.0/112']);
    expect(f.admits('::ffff:10.1.2.3')).toBe(true);
    expect(f.admits('::ffff:10.9.1.1')).toBe(false);
    expect(f.admits('10.9.1.1')).toBe(false);
    expect(f.admits('::ffff:11.1.2.3')).toBe(false);
    // An IPv6 allow list does not let an IPv4 client in.
    expect(new ClientFilter(['::/0'], []).admits('::ffff:10.1.2.3')).toBe(false);
  });

  it('refuses an unreadable address when a list is set', () => {
    expect(new ClientFilter([], ['10.0.0.0/8']).admits('')).toBe(false);
    expect(new ClientFilter([], ['10.0.0.0/8']).admits('not-an-address')).toBe(false);
  });

  it('agrees with a reference matcher on random IPv4 lists (property)', () => {
    fc.assert(
      fc.property(octets, fc.array(cidr4, { maxLength: 6 }), fc.array(cidr4, { maxLength: 6 }), fc.boolean(), (addr, allow, deny, mapped) => {
        const expected = !deny.some((c) => inV4(addr, c)) && (allow.length === 0 || allow.some((c) => inV4(addr, c)));
        expect(new ClientFilter(allow, deny).admits(mapped ? `::ffff:${addr}` : addr)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with a reference matcher on random IPv6 lists (property)', () => {
    const range = fc.tuple(parts6, fc.integer({ min: 0, max: 128 }));
    fc.assert(
      fc.property(parts6, fc.array(range, { maxLength: 5 }), fc.array(range, { maxLength: 5 }), (addr, allow, deny) => {
        // A mapped address is IPv4 to the filter (tested above); keep this property to plain IPv6.
        fc.pre(!(v6(addr) >> 32n === 0xffffn));
        const inAny = (list: [number[], number][]) => list.some(([net, bits]) => !(v6(net) >> 32n === 0xffffn && bits >= 96) && inV6(addr, net, bits));
        const text = (list: [number[], number][]) => list.map(([net, bits]) => `${hex(net)}/${bits}`);
        const expected = !inAny(deny) && (allow.length === 0 || inAny(allow));
        expect(new ClientFilter(text(allow), text(deny)).admits(hex(addr))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
