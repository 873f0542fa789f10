// Reads the server name out of the first bytes a TLS client sends (its ClientHello), without
// terminating TLS: what nginx's ssl_preread and Traefik's HostSNI passthrough do. A pure function
// over bytes, strict and bounds-checked (RFC 8446 §4.1.2, RFC 5246 §6.2/§7.4.1.2, RFC 6066 §3):
// every length is checked against what encloses it before it is used, and "not enough bytes yet"
// is told apart from "these bytes can never be a ClientHello". A ClientHello split over several
// handshake records is supported (each record's fragment is appended until the message is whole).

/** What the bytes read so far are. */
export type ClientHelloResult =
  /** The bytes so far are a valid prefix: read more. */
  | { kind: 'need-more' }
  /** The first byte is not a TLS handshake record: the client does not speak TLS (or not first). */
  | { kind: 'not-tls' }
  /** A TLS handshake record that is not a valid ClientHello. */
  | { kind: 'malformed'; reason: string }
  /** The ClientHello says it is longer than the caller's bound. */
  | { kind: 'oversized' }
  /** A whole ClientHello: its server name (lower case), or null when it sends none. */
  | { kind: 'hello'; serverName: string | null };

const RECORD_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXT_SERVER_NAME = 0;
const NAME_TYPE_HOST = 0;
/** RFC 8446 §5.1: a record fragment is at most 2^14 bytes. */
const MAX_FRAGMENT = 16384;
const RECORD_HEADER = 5;

const NEED_MORE: ClientHelloResult = { kind: 'need-more' };
const NOT_TLS: ClientHelloResult = { kind: 'not-tls' };
const OVERSIZED: ClientHelloResult = { kind: 'oversized' };
const malformed = (reason: string): ClientHelloResult => ({ kind: 'malformed', reason });

const u16 = (b: Uint8Array, at: number): number => ((b[at] as number) << 8) | (b[at + 1] as number);

/**
 * Parses the start of a client's stream. `maxBytes` bounds the ClientHello (records included):
 * one that declares more is `oversized`, and so is a prefix that reached the bound without being
 * whole (the caller stops reading there).
 */
export function parseClientHello(buf: Uint8Array, maxBytes: number): ClientHelloResult {
  if (buf.length === 0) return NEED_MORE;
  if (buf[0] !== RECORD_HANDSHAKE) return NOT_TLS;
  // Gather the handshake message out of consecutive handshake records.
  const parts: Uint8Array[] = [];
  let have = 0;
  let need = -1; // the whole message's length (4-byte header + body), once its header is in
  let at = 0;
  while (need < 0 || have < need) {
    if (buf.length < at + RECORD_HEADER) return buf.length >= maxBytes ? OVERSIZED : NEED_MORE;
    if (buf[at] !== RECORD_HANDSHAKE) return malformed('a record that is not a handshake record inside the ClientHello');
    // Legacy record version 3.x (SSL 3.0 … TLS 1.2 in the header of every TLS version).
    if (buf[at + 1] !== 3 || (buf[at + 2] as number) > 4) return malformed('record version is not 3.0 to 3.4');
    const len = u16(buf, at + 3);
    if (len === 0) return malformed('an empty handshake record');
    if (len > MAX_FRAGMENT) return malformed('a record longer than 2^14 bytes');
    if (at + RECORD_HEADER + len > maxBytes) return OVERSIZED;
    if (buf.length < at + RECORD_HEADER + len) {
      // The message header may already say it can never fit.
      const partial = buf.subarray(at + RECORD_HEADER);
      const early = headerCheck(parts, have, partial, maxBytes);
      return early ?? NEED_MORE;
    }
    const fragment = buf.subarray(at + RECORD_HEADER, at + RECORD_HEADER + len);
    parts.push(fragment);
    have += len;
    at += RECORD_HEADER + len;
    if (need < 0 && have >= 4) {
      const head = concat(parts, 4);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return malformed('the first handshake message is not a ClientHello');
      need = 4 + (((head[1] as number) << 16) | ((head[2] as number) << 8) | (head[3] as number));
      if (need + RECORD_HEADER > maxBytes) return OVERSIZED;
    }
  }
  // The record that completes the message must end with it (no other message may follow in it).
  if (have !== need) return malformed('bytes after the ClientHello in its last record');
  const msg = concat(parts, need);
  return parseBody(msg.subarray(4));
}

/** On a partial record: the message type and length, when they are already readable. */
function headerCheck(parts: Uint8Array[], have: number, partial: Uint8Array, maxBytes: number): ClientHelloResult | null {
  if (have + partial.length < 4) return null;
  const head = concat([...parts, partial], 4);
  if (head[0] !== HANDSHAKE_CLIENT_HELLO) return malformed('the first handshake message is not a ClientHello');
  const need = 4 + (((head[1] as number) << 16) | ((head[2] as number) << 8) | (head[3] as number));
  return need + RECORD_HEADER > maxBytes ? OVERSIZED : null;
}

/** The first `n` bytes of the fragments, in one array (the caller made sure there are n). */
function concat(parts: Uint8Array[], n: number): Uint8Array {
  if (parts.length === 1 && (parts[0] as Uint8Array).length >= n) return (parts[0] as Uint8Array).subarray(0, n);
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    const take = Math.min(p.length, n - off);
    out.set(p.subarray(0, take), off);
    off += take;
    if (off === n) break;
  }
  return out;
}

/** The ClientHello body (after type and length): version, random, session id, suites, compression, extensions. */
function parseBody(b: Uint8Array): ClientHelloResult {
  let at = 0;
  if (b.length < 2 + 32 + 1) return malformed('ClientHello shorter than version, random and session id');
  if (b[0] !== 3) return malformed('ClientHello version is not 3.x');
  at = 2 + 32;
  const sessionLen = b[at] as number;
  if (sessionLen > 32) return malformed('session id longer than 32 bytes');
  at += 1 + sessionLen;
  if (b.length < at + 2) return malformed('truncated before cipher suites');
  const suitesLen = u16(b, at);
  if (suitesLen < 2 || suitesLen % 2 !== 0) return malformed('cipher suites length is not a positive even number');
  at += 2 + suitesLen;
  if (b.length < at + 1) return malformed('truncated inside cipher suites');
  const compLen = b[at] as number;
  if (compLen < 1) return malformed('no compression method');
  at += 1 + compLen;
  if (b.length < at) return malformed('truncated inside compression methods');
  if (b.length === at) return { kind: 'hello', serverName: null }; // no extensions at all
  if (b.length < at + 2) return malformed('truncated extensions length');
  const extLen = u16(b, at);
  at += 2;
  if (at + extLen !== b.length) return malformed('extensions length does not match the ClientHello length');
  return parseExtensions(b, at, b.length);
}

function parseExtensions(b: Uint8Array, start: number, end: number): ClientHelloResult {
  const seen = new Set<number>();
  let serverName: string | null = null;
  let at = start;
  while (at < end) {
    if (end - at < 4) return malformed('truncated extension header');
    const type = u16(b, at);
    const len = u16(b, at + 2);
    at += 4;
    if (at + len > end) return malformed('extension longer than the extensions block');
    if (seen.has(type)) return malformed(`extension ${type} sent twice`);
    seen.add(type);
    if (type === EXT_SERVER_NAME) {
      const name = parseServerName(b.subarray(at, at + len));
      if (typeof name !== 'string') return name;
      serverName = name;
    }
    at += len;
  }
  return { kind: 'hello', serverName };
}

/** The server_name extension's data: a list of (type, name); the host_name entry is the one used. */
function parseServerName(d: Uint8Array): string | ClientHelloResult {
  if (d.length < 2) return malformed('server_name extension without a list');
  const listLen = u16(d, 0);
  if (listLen + 2 !== d.length || listLen < 3) return malformed('server_name list length does not match');
  let at = 2;
  let host: string | null = null;
  while (at < d.length) {
    if (d.length - at < 3) return malformed('truncated server_name entry');
    const type = d[at] as number;
    const len = u16(d, at + 1);
    at += 3;
    if (len === 0 || at + len > d.length) return malformed('server_name entry length out of bounds');
    if (type === NAME_TYPE_HOST) {
      // RFC 6066: at most one name of each type.
      if (host !== null) return malformed('two host_name entries');
      const name = hostName(d.subarray(at, at + len));
      if (name === null) return malformed('host_name is not an ASCII DNS name');
      host = name;
    }
    at += len;
  }
  if (host === null) return malformed('server_name without a host_name entry');
  return host;
}

const HOST_BYTE = /^[a-z0-9._-]+$/;

/** The host name in lower case, or null when it is not one (non-ASCII, empty labels, too long). */
function hostName(bytes: Uint8Array): string | null {
  if (bytes.length > 255) return null;
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i] as number);
  // A trailing dot is not allowed by RFC 6066 but sent by some clients: it names the same host.
  if (text.endsWith('.')) text = text.slice(0, -1);
  text = text.toLowerCase();
  if (!HOST_BYTE.test(text) || text.split('.').some((l) => l.length === 0 || l.length > 63)) return null;
  return text;
}
