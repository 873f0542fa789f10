// Fuzzing the PROXY protocol parser (fast-check): whatever arrives on a port, the parser
// answers with one of its own results and never throws; a header it accepts lies within the
// bytes it was given; truncations of a valid header only ever ask for more; and every header
// the encoder writes parses back to the same addresses.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseProxyHeader, V2_SIGNATURE, type ProxyParse } from './parse-header.ts';
import { encodeProxyHeader } from './encode-header.ts';

const RUNS = { numRuns: 2000, seed: 15 };

function wellFormed(r: ProxyParse, input: Uint8Array): void {
  expect(['incomplete', 'invalid', 'header']).toContain(r.kind);
  if (r.kind === 'header') {
    expect(r.header.length).toBeGreaterThan(0);
    expect(r.header.length).toBeLessThanOrEqual(input.length);
  }
}

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const ipv6 = fc.ipV6();
const port = fc.nat(65535);
const endpoint = (ip: fc.Arbitrary<string>) => fc.record({ address: ip, port });
const validHeader = fc.oneof(
  fc.tuple(fc.constantFrom('v1' as const, 'v2' as const), endpoint(ipv4), endpoint(ipv4)),
  fc.tuple(fc.constantFrom('v1' as const, 'v2' as const), endpoint(ipv6), endpoint(ipv6)),
).map(([v, s, d]) => Buffer.from(encodeProxyHeader(v, s, d), 'latin1'));

describe('parseProxyHeader under fuzzing', () => {
  it('answers random bytes with its own result, never throwing', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => wellFormed(parseProxyHeader(b), b)), RUNS);
  });

  it('answers random bytes after a v1 prefix or the v2 signature (the paths past the first byte)', () => {
    const prefixed = fc.tuple(fc.constantFrom(Buffer.from('PROXY '), Buffer.from('PROXY TCP4 '), Buffer.from('PROXY TCP6 '), V2_SIGNATURE, Buffer.concat([V2_SIGNATURE, Buffer.from([0x21])])), fc.uint8Array({ maxLength: 300 }));
    fc.assert(fc.property(prefixed, ([p, rest]) => {
      const b = Buffer.concat([p, rest]);
      wellFormed(parseProxyHeader(b), b);
    }), RUNS);
  });

  it('round-trips every encoded header, with trailing client bytes left out of its length', () => {
    fc.assert(fc.property(validHeader, fc.uint8Array({ maxLength: 64 }), (h, tail) => {
      const r = parseProxyHeader(Buffer.concat([h, tail]));
      expect(r.kind).toBe('header');
      expect(r.kind === 'header' && r.header.length).toBe(h.length);
    }), RUNS);
  });

  it('keeps the addresses it was given', () => {
    fc.assert(fc.property(fc.constantFrom('v1' as const, 'v2' as const), endpoint(ipv4), endpoint(ipv4), (v, s, d) => {
      const r = parseProxyHeader(Buffer.from(encodeProxyHeader(v, s, d), 'latin1'));
      expect(r.kind === 'header' && [r.header.source, r.header.destination]).toEqual([s, d]);
    }), RUNS);
  });

  it('asks for more on every truncation of a valid header', () => {
    fc.assert(fc.property(validHeader, fc.nat(), (h, cut) => {
      const n = cut % h.length;
      expect(parseProxyHeader(h.subarray(0, n)).kind).toBe('incomplete');
    }), RUNS);
  });

  it('survives any one-byte mutation of a valid header (and a mutated one never claims more than it got)', () => {
    fc.assert(fc.property(validHeader, fc.nat(), fc.nat(255), (h, at, value) => {
      const m = Buffer.from(h);
      m[at % m.length] = value;
      wellFormed(parseProxyHeader(m), m);
      // A view into a larger buffer: the parser must not read past its end.
      const big = Buffer.alloc(m.length + 64, 0x41);
      m.copy(big);
      const view = big.subarray(0, m.length);
      wellFormed(parseProxyHeader(view), view);
    }), RUNS);
  });
});
