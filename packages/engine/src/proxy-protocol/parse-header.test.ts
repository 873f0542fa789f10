import { describe, expect, it } from 'vitest';
import { parseProxyHeader, V1_MAX_LENGTH, V2_MAX_LENGTH, V2_SIGNATURE, type ProxyParse } from './parse-header.ts';
import { encodeProxyHeader, V1_UNKNOWN, V2_LOCAL } from './encode-header.ts';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const kind = (r: ProxyParse): string => r.kind;

/** A v2 header: signature, ver/cmd, family, then the body (length filled in). */
function v2(verCmd: number, family: number, body: number[] | Buffer): Buffer {
  const b = Buffer.from(body);
  return Buffer.concat([V2_SIGNATURE, Buffer.from([verCmd, family, b.length >> 8, b.length & 0xff]), b]);
}
const tcp4Body = [127, 0, 0, 7, 10, 0, 0, 1, 0x30, 0x39, 0x18, 0xeb]; // 127.0.0.7:12345 → 10.0.0.1:6379

describe('parseProxyHeader v1', () => {
  it('decodes TCP4 and TCP6 lines and says how long the header is', () => {
    const r = parseProxyHeader(bytes('PROXY TCP4 192.168.0.1 10.0.0.2 56324 443\r\nGET /'));
    expect(r).toEqual({ kind: 'header', header: { version: 1, length: 43, source: { address: '192.168.0.1', port: 56324 }, destination: { address: '10.0.0.2', port: 443 } } });
    const r6 = parseProxyHeader(bytes('PROXY TCP6 2001:db8:0:0::1 ::1 1 65535\r\n'));
    expect(r6.kind === 'header' && r6.header.source).toEqual({ address: '2001:db8::1', port: 1 });
    expect(r6.kind === 'header' && r6.header.destination).toEqual({ address: '::1', port: 65535 });
  });

  it('takes UNKNOWN (with or without the rest of the line) as "keep the peer address"', () => {
    expect(parseProxyHeader(bytes('PROXY UNKNOWN\r\n'))).toEqual({ kind: 'header', header: { version: 1, length: 15, source: null, destination: null } });
    expect(kind(parseProxyHeader(bytes('PROXY UNKNOWN ffff:f...f:ffff 1.2.3.4 1 2\r\n')))).toBe('header');
  });

  it('waits for more on every strict prefix of a valid line', () => {
    const line = bytes('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n');
    for (let n = 1; n < line.length; n++) expect(kind(parseProxyHeader(line.subarray(0, n))), `${n}`).toBe('incomplete');
  });

  it.each([
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n', 'LF without CR'],
    ['PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n', 'protocol'],
    ['PROXY TCP4 ::1 5.6.7.8 1 2\r\n', 'v6 in TCP4'],
    ['PROXY TCP6 1.2.3.4 ::1 1 2\r\n', 'v4 in TCP6'],
    ['PROXY TCP4 1.2.3.04 5.6.7.8 1 2\r\n', 'leading zero octet'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n', 'leading zero port'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n', 'port range'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n', 'signed port'],
    ['PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n', 'double space'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n', 'missing field'],
    ['PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n', 'zone id'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n', 'extra field'],
    ['PROXY TCP4 1.2.3.4\x005.6.7.8 1 2\r\n', 'NUL'],
    ['proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n', 'lower case'],
    ['GET / HTTP/1.1\r\n', 'not a header'],
  ])('refuses %j (%s)', (text) => {
    expect(kind(parseProxyHeader(bytes(text)))).toBe('invalid');
  });

  it('refuses a line without CRLF once it reaches 107 bytes, and never looks further', () => {
    const long = bytes(`PROXY UNKNOWN ${'x'.repeat(200)}\r\n`);
    expect(kind(parseProxyHeader(long.subarray(0, V1_MAX_LENGTH - 1)))).toBe('incomplete');
    expect(kind(parseProxyHeader(long.subarray(0, V1_MAX_LENGTH)))).toBe('invalid');
    expect(kind(parseProxyHeader(long))).toBe('invalid');
  });
});

describe('parseProxyHeader v2', () => {
  it('decodes PROXY over TCP4 and TCP6, skipping TLVs, and leaves what follows alone', () => {
    const tlvs = [0x04, 0x00, 0x02, 0xaa, 0xbb, 0x01, 0x00, 0x00]; // NOOP(2 bytes), empty ALPN
    const h = Buffer.concat([v2(0x21, 0x11, [...tcp4Body, ...tlvs]), bytes('PING')]);
    expect(parseProxyHeader(h)).toEqual({ kind: 'header', header: { version: 2, length: 16 + 12 + 8, source: { address: '127.0.0.7', port: 12345 }, destination: { address: '10.0.0.1', port: 6379 } } });
    const six = Buffer.alloc(36);
    six[15] = 1; // ::1
    six[16 + 10] = six[16 + 11] = 0xff; // ::ffff:127.0.0.1
    six[16 + 12] = 127;
    six[16 + 15] = 1;
    six.writeUInt16BE(40000, 32);
    six.writeUInt16BE(80, 34);
    const r = parseProxyHeader(v2(0x21, 0x21, six));
    expect(r.kind === 'header' && r.header.source).toEqual({ address: '::1', port: 40000 });
    expect(r.kind === 'header' && r.header.destination).toEqual({ address: '::ffff:127.0.0.1', port: 80 });
  });

  it('takes LOCAL (any family), UNSPEC and AF_UNIX as "keep the peer address"', () => {
    for (const h of [v2(0x20, 0x00, []), v2(0x20, 0x11, tcp4Body), v2(0x20, 0x99, [1, 2, 3]), v2(0x21, 0x00, []), v2(0x21, 0x31, Buffer.alloc(216))]) {
      const r = parseProxyHeader(h);
      expect(r.kind === 'header' && [r.header.source, r.header.length]).toEqual([null, h.length]);
    }
  });

  it('waits for more on every strict prefix', () => {
    const h = v2(0x21, 0x11, [...tcp4Body, 0x04, 0x00, 0x01, 0x00]);
    for (let n = 1; n < h.length; n++) expect(kind(parseProxyHeader(h.subarray(0, n))), `${n}`).toBe('incomplete');
  });

  it.each([
    ['version 1 in the v2 format', v2(0x11, 0x11, tcp4Body)],
    ['command 2', v2(0x22, 0x11, tcp4Body)],
    ['DGRAM over IPv4', v2(0x21, 0x12, tcp4Body)],
    ['unknown family', v2(0x21, 0x41, tcp4Body)],
    ['TCP4 body too short', v2(0x21, 0x11, tcp4Body.slice(0, 11))],
    ['TCP6 body too short', v2(0x21, 0x21, Buffer.alloc(35))],
    ['UNIX body too short', v2(0x21, 0x31, Buffer.alloc(215))],
    ['truncated TLV header', v2(0x21, 0x11, [...tcp4Body, 0x04, 0x00])],
    ['TLV past the end', v2(0x21, 0x11, [...tcp4Body, 0x04, 0x00, 0x05, 0x00])],
    ['bad signature', Buffer.concat([Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x55, 0x0a]), Buffer.alloc(8)])],
  ])('refuses %s', (_name, h) => {
    expect(kind(parseProxyHeader(h))).toBe('invalid');
  });

  it('refuses a header over the size cap from its first 16 bytes (nothing is buffered for it)', () => {
    const head = Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, 0xff, 0xff])]);
    expect(parseProxyHeader(head)).toMatchObject({ kind: 'invalid' });
    const atCap = Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, (V2_MAX_LENGTH - 16) >> 8, (V2_MAX_LENGTH - 16) & 0xff])]);
    expect(kind(parseProxyHeader(atCap))).toBe('incomplete');
  });

  it('judges a bad version as soon as byte 12 arrives', () => {
    expect(kind(parseProxyHeader(Buffer.concat([V2_SIGNATURE, Buffer.from([0x31])])))).toBe('invalid');
  });
});

describe('encodeProxyHeader', () => {
  it('writes the v1 lines HAProxy writes', () => {
    expect(encodeProxyHeader('v1', { address: '127.0.0.1', port: 5000 }, { address: '127.0.0.2', port: 6380 })).toBe('PROXY TCP4 127.0.0.1 127.0.0.2 5000 6380\r\n');
    expect(encodeProxyHeader('v1', { address: '::1', port: 5000 }, { address: '127.0.0.2', port: 6380 })).toBe('PROXY TCP6 ::1 ::ffff:127.0.0.2 5000 6380\r\n');
    expect(encodeProxyHeader('v1', { address: '::ffff:10.0.0.1', port: 1 }, { address: '::ffff:10.0.0.2', port: 2 })).toBe('PROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\n');
    expect(encodeProxyHeader('v1', null, null)).toBe(V1_UNKNOWN);
    expect(encodeProxyHeader('v2', null, { address: '1.2.3.4', port: 1 })).toBe(V2_LOCAL);
  });

  it('writes v2 PROXY over TCP4 byte for byte', () => {
    const h = Buffer.from(encodeProxyHeader('v2', { address: '127.0.0.7', port: 12345 }, { address: '10.0.0.1', port: 6379 }), 'latin1');
    expect(h.equals(v2(0x21, 0x11, tcp4Body))).toBe(true);
  });

  it('round-trips through the parser', () => {
    const cases: Array<[string, number, string, number]> = [
      ['127.0.0.1', 1, '127.0.0.2', 65535],
      ['2001:db8::5', 443, '::1', 0],
      ['10.1.2.3', 9, 'fe80::1', 7],
    ];
    for (const version of ['v1', 'v2'] as const) {
      for (const [sa, sp, da, dp] of cases) {
        const h = bytes(encodeProxyHeader(version, { address: sa, port: sp }, { address: da, port: dp }));
        const r = parseProxyHeader(h);
        expect(r.kind).toBe('header');
        if (r.kind !== 'header') continue;
        expect(r.header.length).toBe(h.length);
        const mixed = sa.includes('.') !== da.includes('.');
        expect(r.header.source).toEqual({ address: mixed && sa.includes('.') ? `::ffff:${sa}` : sa, port: sp });
        expect(r.header.destination).toEqual({ address: mixed && da.includes('.') ? `::ffff:${da}` : da, port: dp });
      }
    }
  });
});
