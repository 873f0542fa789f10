import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseClientHello, type ClientHelloResult } from './client-hello.ts';

const MAX = 16 * 1024;

const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number): number[] => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

/** A ClientHello handshake message (type, length, body) with the given extensions. */
function helloMessage(extensions: number[] | null, sessionId = 32): number[] {
  const body = [3, 3, ...new Array<number>(32).fill(7), sessionId, ...new Array<number>(sessionId).fill(1), ...u16(4), 0x13, 0x01, 0x13, 0x02, 1, 0];
  if (extensions !== null) body.push(...u16(extensions.length), ...extensions);
  return [1, ...u24(body.length), ...body];
}

function sniExtension(...names: string[]): number[] {
  const list: number[] = [];
  for (const n of names) list.push(0, ...u16(n.length), ...Buffer.from(n, 'latin1'));
  const data = [...u16(list.length), ...list];
  return [0, 0, ...u16(data.length), ...data];
}

/** Wraps a handshake message in records of at most `fragment` bytes each. */
function records(msg: number[], fragment = MAX): Buffer {
  const out: number[] = [];
  for (let i = 0; i < msg.length; i += fragment) {
    const part = msg.slice(i, i + fragment);
    out.push(22, 3, 1, ...u16(part.length), ...part);
  }
  return Buffer.from(out);
}

const otherExtension = [0, 0x2b, 0, 3, 2, 3, 4]; // supported_versions: TLS 1.3
const hello = (name: string): Buffer => records(helloMessage([...otherExtension, ...sniExtension(name)]));

describe('parseClientHello', () => {
  it('reads the host name, in lower case', () => {
    expect(parseClientHello(hello('DB1.Example.com'), MAX)).toEqual({ kind: 'hello', serverName: 'db1.example.com' });
  });

  it('a ClientHello without server_name, or without extensions, has no name', () => {
    expect(parseClientHello(records(helloMessage(otherExtension)), MAX)).toEqual({ kind: 'hello', serverName: null });
    expect(parseClientHello(records(helloMessage(null)), MAX)).toEqual({ kind: 'hello', serverName: null });
  });

  it('every strict prefix needs more; the whole message is a hello', () => {
    const whole = hello('a.cache.example.com');
    for (let n = 0; n < whole.length; n++) expect(parseClientHello(whole.subarray(0, n), MAX).kind).toBe('need-more');
    expect(parseClientHello(whole, MAX).kind).toBe('hello');
  });

  it('a ClientHello split over several records (7-byte fragments) is read whole', () => {
    const msg = helloMessage([...otherExtension, ...sniExtension('split.example.com')]);
    const buf = records(msg, 7);
    expect(parseClientHello(buf, MAX)).toEqual({ kind: 'hello', serverName: 'split.example.com' });
    expect(parseClientHello(buf.subarray(0, buf.length - 1), MAX).kind).toBe('need-more');
  });

  it('bytes after the ClientHello (a next record) are left alone', () => {
    expect(parseClientHello(Buffer.concat([hello('x.example.com'), Buffer.from([23, 3, 3, 0, 1, 0])]), MAX).kind).toBe('hello');
  });

  it('a first byte other than a handshake record is not TLS', () => {
    expect(parseClientHello(Buffer.from('PING\r\n'), MAX).kind).toBe('not-tls');
  });

  it('a declared length over the bound is oversized before it is read', () => {
    expect(parseClientHello(Buffer.from([22, 3, 1, ...u16(16384)]), 1024).kind).toBe('oversized');
    // The handshake header says 20 000 bytes: more than the records may bring within 16 KiB.
    expect(parseClientHello(Buffer.from([22, 3, 1, ...u16(100), 1, ...u24(20000)]), MAX).kind).toBe('oversized');
  });

  const bad: [string, number[]][] = [
    ['record version 2', [22, 2, 0, 0, 5, 1, 0, 0, 1, 0]],
    ['empty record', [22, 3, 1, 0, 0]],
    ['record over 2^14', [22, 3, 1, ...u16(16385)]],
    ['not a ClientHello', [22, 3, 1, 0, 4, 2, 0, 0, 0]],
    ['session id over 32', [...records(helloMessage(null, 33))]],
  ];
  for (const [name, bytes] of bad) {
    it(`malformed: ${name}`, () => {
      expect(parseClientHello(Buffer.from(bytes), MAX).kind).toBe('malformed');
    });
  }

  it('malformed: two server_name extensions, two host names, an empty name, a non-ASCII name', () => {
    const twice = records(helloMessage([...sniExtension('a.example'), ...sniExtension('b.example')]));
    expect(parseClientHello(twice, MAX).kind).toBe('malformed');
    expect(parseClientHello(records(helloMessage(sniExtension('a.example', 'b.example'))), MAX).kind).toBe('malformed');
    expect(parseClientHello(records(helloMessage(sniExtension(''))), MAX).kind).toBe('malformed');
    expect(parseClientHello(records(helloMessage(sniExtension('bü.example'))), MAX).kind).toBe('malformed');
  });

  it('malformed: an extensions length that does not match the message', () => {
    const msg = helloMessage([...sniExtension('a.example')]);
    const extLenAt = msg.length - sniExtension('a.example').length - 2;
    msg[extLenAt + 1] = (msg[extLenAt + 1] as number) + 1;
    expect(parseClientHello(records(msg), MAX).kind).toBe('malformed');
  });

  it('malformed: a handshake message that ends inside its last record, followed by more bytes', () => {
    const msg = helloMessage(sniExtension('a.example'));
    const rec = [22, 3, 1, ...u16(msg.length + 3), ...msg, 1, 2, 3];
    expect(parseClientHello(Buffer.from(rec), MAX).kind).toBe('malformed');
  });
});

// Fuzz: whatever the bytes, the parser answers (never throws), and a typed array read out of
// bounds would show as undefined arithmetic (NaN lengths); the result is always one of the kinds.
const KINDS = new Set<ClientHelloResult['kind']>(['need-more', 'not-tls', 'malformed', 'oversized', 'hello']);

describe('parseClientHello fuzz', () => {
  const valid = hello('fuzz.example.com');

  it('random bytes never throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), fc.integer({ min: 1, max: MAX }), (bytes, max) => {
      expect(KINDS.has(parseClientHello(bytes, max).kind)).toBe(true);
    }), { numRuns: 3000, seed: 15 });
  });

  it('random bytes behind a plausible record header never throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      const buf = Buffer.concat([Buffer.from([22, 3, 1, ...u16(bytes.length + 4), 1, ...u24(bytes.length)]), Buffer.from(bytes)]);
      expect(KINDS.has(parseClientHello(buf, MAX).kind)).toBe(true);
    }), { numRuns: 3000, seed: 16 });
  });

  it('a valid ClientHello with bytes mutated or cut never throws, and a cut one is never a hello', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(valid.length), (mutations, cut) => {
      const buf = Buffer.from(valid);
      for (const [at, value] of mutations) buf[at] = value;
      const r = parseClientHello(buf, MAX);
      expect(KINDS.has(r.kind)).toBe(true);
      if (r.kind === 'hello' && r.serverName !== null) expect(r.serverName).toMatch(/^[a-z0-9._-]+$/);
      if (mutations.length === 0 && cut < valid.length) expect(parseClientHello(buf.subarray(0, cut), MAX).kind).toBe('need-more');
    }), { numRuns: 5000, seed: 17 });
  });

  it('a valid ClientHello in records of random sizes is read the same', () => {
    const msg = helloMessage([...otherExtension, ...sniExtension('frag.example.com')]);
    fc.assert(fc.property(fc.integer({ min: 1, max: msg.length }), (fragment) => {
      expect(parseClientHello(records(msg, fragment), MAX)).toEqual({ kind: 'hello', serverName: 'frag.example.com' });
    }), { numRuns: 300, seed: 18 });
  });
});
