// The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) as a pure function
// over the bytes received so far: it answers "need more", "invalid, because …" or the decoded
// header and its length. It reads only inside `buf`, allocates only for its answer, and never
// throws (the fuzz test holds it to that). Used by the accept side (header-reader.ts).
import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

/** The 12-byte v2 signature. */
export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** v1: the longest line the spec allows, CRLF included. */
export const V1_MAX_LENGTH = 107;
/**
 * v2: the largest header accepted. The format allows 16 + 65535 bytes; what a balancer or NLB
 * sends is addresses plus a few TLVs (AWS, GCP, Azure: well under 1 KiB), so anything bigger is
 * refused rather than buffered.
 */
export const V2_MAX_LENGTH = 4096;

/** One end of the proxied connection. */
export interface ProxyEndpoint {
  readonly address: string;
  readonly port: number;
}

/** A complete, valid header. `source`/`destination` are null when the header carries no usable address (v1 UNKNOWN, v2 LOCAL, UNSPEC, UNIX). */
export interface ProxyHeader {
  readonly version: 1 | 2;
  /** Bytes the header takes at the start of the stream; what follows is the client's own data. */
  readonly length: number;
  readonly source: ProxyEndpoint | null;
  readonly destination: ProxyEndpoint | null;
}

/** What parseProxyHeader says about the bytes so far. */
export type ProxyParse =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'header'; readonly header: ProxyHeader };

const INCOMPLETE: ProxyParse = { kind: 'incomplete' };
const invalid = (reason: string): ProxyParse => ({ kind: 'invalid', reason });

const V1_PREFIX = 'PROXY ';
const CR = 0x0d;
const LF = 0x0a;

/** Parses the header at the start of `buf` (all bytes received so far). */
export function parseProxyHeader(buf: Uint8Array): ProxyParse {
  if (buf.length === 0) return INCOMPLETE;
  if (buf[0] === 0x50) return parseV1(buf); // 'P'
  if (buf[0] === CR) return parseV2(buf);
  return invalid('not a PROXY protocol header');
}

// ---- version 1 ------------------------------------------------------------------------------

function parseV1(buf: Uint8Array): ProxyParse {
  const prefixLength = Math.min(buf.length, V1_PREFIX.length);
  for (let i = 0; i < prefixLength; i++) if (buf[i] !== V1_PREFIX.charCodeAt(i)) return invalid('not a PROXY protocol header');
  let end = -1;
  const limit = Math.min(buf.length, V1_MAX_LENGTH);
  for (let i = 0; i < limit; i++) {
    if (buf[i] === LF) {
      end = i;
      break;
    }
    // Only printable ASCII before the CRLF: anything else is not a v1 line.
    const c = buf[i] as number;
    if (c !== CR && (c < 0x20 || c > 0x7e)) return invalid('v1: a byte outside printable ASCII');
  }
  if (end < 0) return buf.length >= V1_MAX_LENGTH ? invalid(`v1: no CRLF within ${V1_MAX_LENGTH} bytes`) : INCOMPLETE;
  if (end === 0 || buf[end - 1] !== CR) return invalid('v1: the line must end with CRLF');
  let line = '';
  for (let i = V1_PREFIX.length; i < end - 1; i++) line += String.fromCharCode(buf[i] as number);
  const length = end + 1;
  if (line === 'UNKNOWN' || line.startsWith('UNKNOWN ')) return { kind: 'header', header: { version: 1, length, source: null, destination: null } };
  const fields = line.split(' ');
  if (fields.length !== 5) return invalid('v1: expected "TCP4|TCP6 source destination sport dport"');
  const [proto, src, dst, sport, dport] = fields as [string, string, string, string, string];
  const isAddress = proto === 'TCP4' ? isDottedQuad : proto === 'TCP6' ? isIPv6Text : null;
  if (isAddress === null) return invalid(`v1: unknown protocol "${proto.slice(0, 16)}"`);
  if (!isAddress(src) || !isAddress(dst)) return invalid(`v1: an address is not ${proto === 'TCP4' ? 'IPv4' : 'IPv6'}`);
  const sp = portOf(sport);
  const dp = portOf(dport);
  if (sp < 0 || dp < 0) return invalid('v1: a port is not a number from 0 to 65535');
  const norm = proto === 'TCP6' ? normalizeV6 : (a: string) => a;
  return { kind: 'header', header: { version: 1, length, source: { address: norm(src), port: sp }, destination: { address: norm(dst), port: dp } } };
}

/** Four decimal octets, no leading zeros (the spec's form; a leading zero is octal to some parsers). */
function isDottedQuad(text: string): boolean {
  if (!isIPv4(text)) return false;
  for (const part of text.split('.')) if (part.length > 1 && part[0] === '0') return false;
  return true;
}

function isIPv6Text(text: string): boolean {
  return !text.includes('%') && isIPv6(text);
}

/** A decimal port without sign or leading zero, else -1. */
function portOf(text: string): number {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(text)) return -1;
  const n = Number(text);
  return n <= 65535 ? n : -1;
}

/** The compact form (RFC 5952); an IPv4-mapped address keeps its dotted tail, as getpeername(2) writes it. */
function normalizeV6(text: string): string {
  const ip = ipaddr.IPv6.parse(text);
  return ip.isIPv4MappedAddress() ? `::ffff:${ip.toIPv4Address().toString()}` : ip.toString();
}

// ---- version 2 ------------------------------------------------------------------------------

const CMD_LOCAL = 0x0;
const CMD_PROXY = 0x1;
const FAM_UNSPEC = 0x00;
const TCP4 = 0x11;
const TCP6 = 0x21;
const UNIX_STREAM = 0x31;
/** Address block sizes per family (source, destination, ports; UNIX: two 108-byte paths). */
const ADDRESS_LENGTH: Readonly<Record<number, number>> = { [FAM_UNSPEC]: 0, [TCP4]: 12, [TCP6]: 36, [UNIX_STREAM]: 216 };

function parseV2(buf: Uint8Array): ProxyParse {
  const sigLength = Math.min(buf.length, V2_SIGNATURE.length);
  for (let i = 0; i < sigLength; i++) if (buf[i] !== V2_SIGNATURE[i]) return invalid('not a PROXY protocol header');
  if (buf.length < 16) {
    // Judge what has arrived already: a bad version or family needs no more bytes.
    if (buf.length > 12 && (buf[12] as number) >> 4 !== 2) return invalid('v2: version must be 2');
    return INCOMPLETE;
  }
  const verCmd = buf[12] as number;
  if (verCmd >> 4 !== 2) return invalid('v2: version must be 2');
  const command = verCmd & 0x0f;
  if (command !== CMD_LOCAL && command !== CMD_PROXY) return invalid('v2: command must be LOCAL or PROXY');
  const family = buf[13] as number;
  const bodyLength = ((buf[14] as number) << 8) | (buf[15] as number);
  const length = 16 + bodyLength;
  if (length > V2_MAX_LENGTH) return invalid(`v2: header of ${length} bytes is over the ${V2_MAX_LENGTH}-byte limit`);
  if (command === CMD_LOCAL) {
    // LOCAL (the sender's own health check): the spec has the receiver ignore the family and
    // discard the block; the peer's own addresses are kept.
    if (buf.length < length) return INCOMPLETE;
    return { kind: 'header', header: { version: 2, length, source: null, destination: null } };
  }
  const addressLength = ADDRESS_LENGTH[family];
  // Only TCP (STREAM) or UNSPEC: a DGRAM header (or an unknown family) cannot describe a TCP client.
  if (addressLength === undefined) return invalid('v2: family/transport must be UNSPEC, or AF_INET, AF_INET6 or AF_UNIX over STREAM');
  if (bodyLength < addressLength) return invalid('v2: length too short for the address family');
  if (buf.length < length) return INCOMPLETE;
  const tlvProblem = checkTlvs(buf, 16 + addressLength, length);
  if (tlvProblem !== null) return invalid(tlvProblem);
  if (family === TCP4) {
    return { kind: 'header', header: { version: 2, length, source: { address: v4At(buf, 16), port: u16At(buf, 24) }, destination: { address: v4At(buf, 20), port: u16At(buf, 26) } } };
  }
  if (family === TCP6) {
    return { kind: 'header', header: { version: 2, length, source: { address: v6At(buf, 16), port: u16At(buf, 48) }, destination: { address: v6At(buf, 32), port: u16At(buf, 50) } } };
  }
  // UNSPEC or UNIX: no IP to use; the peer's own address stays.
  return { kind: 'header', header: { version: 2, length, source: null, destination: null } };
}

/** TLVs (type, 16-bit length, value) must tile [start, end) exactly: each is bounds-checked and skipped. */
function checkTlvs(buf: Uint8Array, start: number, end: number): string | null {
  let at = start;
  while (at < end) {
    if (end - at < 3) return 'v2: a truncated TLV';
    const len = ((buf[at + 1] as number) << 8) | (buf[at + 2] as number);
    at += 3 + len;
    if (at > end) return 'v2: a TLV runs past the header';
  }
  return null;
}

const u16At = (buf: Uint8Array, at: number): number => ((buf[at] as number) << 8) | (buf[at + 1] as number);

function v4At(buf: Uint8Array, at: number): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
}

function v6At(buf: Uint8Array, at: number): string {
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push(buf[at + i] as number);
  const ip = ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
  return ip.isIPv4MappedAddress() ? `::ffff:${ip.toIPv4Address().toString()}` : ip.toString();
}
