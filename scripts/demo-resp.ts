// Just enough RESP2 (the Redis protocol) for the demo: encode commands, decode one request
// (inline or multibulk) and one reply. Decoders return undefined until a whole frame is buffered.

/** A `-ERR …` reply. */
export class RespErrorReply {
  constructor(readonly message: string) {}
}

/** Bytes that cannot be RESP: the connection is closed. */
export class RespProtocolError extends Error {
  readonly code = 'DEMO_RESP_PROTOCOL';
  constructor(message: string) {
    super(message);
    this.name = 'RespProtocolError';
  }
}

export type RespValue = string | number | null | RespErrorReply | RespValue[];

/** A decoded frame and how many bytes it took. */
export interface Decoded<T> {
  value: T;
  length: number;
}

// Limits keep a confused or hostile peer from growing buffers without bound.
export const MAX_LINE = 64 * 1024;
const MAX_BULK = 512 * 1024;
const MAX_ITEMS = 1024;
const CRLF = '\r\n';

/** A command as a multibulk array (what real clients send). */
export function encodeCommand(args: readonly string[]): Buffer {
  let out = `*${args.length}${CRLF}`;
  for (const arg of args) out += `$${Buffer.byteLength(arg)}${CRLF}${arg}${CRLF}`;
  return Buffer.from(out);
}

/** A command as an inline line (what `telnet` and health checks send); args must not contain spaces. */
export function encodeInline(args: readonly string[]): Buffer {
  return Buffer.from(`${args.join(' ')}${CRLF}`);
}

function readLine(buf: Buffer, start: number): { line: string; next: number } | undefined {
  const eol = buf.indexOf(CRLF, start);
  if (eol === -1) {
    if (buf.length - start > MAX_LINE) throw new RespProtocolError('line too long');
    return undefined;
  }
  return { line: buf.toString('utf8', start, eol), next: eol + 2 };
}

function readCount(text: string, max: number, what: string): number {
  if (!/^-?\d{1,9}$/.test(text)) throw new RespProtocolError(`invalid ${what} "${text.slice(0, 20)}"`);
  const n = Number(text);
  if (n > max) throw new RespProtocolError(`${what} ${n} is over ${max}`);
  return n;
}

/** One bulk string at `start` (`$len\r\n…\r\n`); null for `$-1`. */
function readBulk(buf: Buffer, start: number, header: string): { value: string | null; next: number } | undefined {
  const len = readCount(header, MAX_BULK, 'bulk length');
  if (len < 0) return { value: null, next: start };
  if (buf.length < start + len + 2) return undefined;
  if (buf.toString('latin1', start + len, start + len + 2) !== CRLF) throw new RespProtocolError('bulk string not terminated by CRLF');
  return { value: buf.toString('utf8', start, start + len), next: start + len + 2 };
}

function decodeReplyAt(buf: Buffer, start: number, depth: number): { value: RespValue; next: number } | undefined {
  if (start >= buf.length) return undefined;
  const head = readLine(buf, start + 1);
  if (!head) return undefined;
  switch (String.fromCharCode(buf[start]!)) {
    case '+':
      return { value: head.line, next: head.next };
    case '-':
      return { value: new RespErrorReply(head.line), next: head.next };
    case ':':
      return { value: Number(head.line), next: head.next };
    case '$':
      return readBulk(buf, head.next, head.line);
    case '*': {
      const count = readCount(head.line, MAX_ITEMS, 'array length');
      if (count < 0) return { value: null, next: head.next };
      if (depth > 8) throw new RespProtocolError('arrays nested too deep');
      const items: RespValue[] = [];
      let next = head.next;
      for (let i = 0; i < count; i++) {
        const item = decodeReplyAt(buf, next, depth + 1);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new RespProtocolError(`unexpected reply type byte 0x${buf[start]!.toString(16)}`);
  }
}

/** Decodes one server reply at the start of `buf`. */
export function decodeReply(buf: Buffer): Decoded<RespValue> | undefined {
  const decoded = decodeReplyAt(buf, 0, 0);
  return decoded && { value: decoded.value, length: decoded.next };
}

/** Decodes one client request at the start of `buf`: a multibulk array or an inline line (may be empty). */
export function decodeRequest(buf: Buffer): Decoded<string[]> | undefined {
  if (buf.length === 0) return undefined;
  if (buf[0] !== 0x2a /* '*' */) {
    const line = readLine(buf, 0);
    if (!line) return undefined;
    return { value: line.line.split(/\s+/).filter((word) => word !== ''), length: line.next };
  }
  const head = readLine(buf, 1);
  if (!head) return undefined;
  const count = Math.max(0, readCount(head.line, MAX_ITEMS, 'multibulk length'));
  const args: string[] = [];
  let next = head.next;
  for (let i = 0; i < count; i++) {
    if (next >= buf.length) return undefined;
    if (buf[next] !== 0x24 /* '$' */) throw new RespProtocolError(`expected '$', got 0x${buf[next]!.toString(16)}`);
    const header = readLine(buf, next + 1);
    if (!header) return undefined;
    const bulk = readBulk(buf, header.next, header.line);
    if (!bulk) return undefined;
    if (bulk.value === null) throw new RespProtocolError('null bulk string in a request');
    args.push(bulk.value);
    next = bulk.next;
  }
  return { value: args, length: next };
}

/** Reply encoders for the built-in server. */
export const reply = {
  simple: (text: string): string => `+${text}${CRLF}`,
  error: (text: string): string => `-${text}${CRLF}`,
  integer: (n: number): string => `:${n}${CRLF}`,
  bulk: (text: string | null): string => (text === null ? `$-1${CRLF}` : `$${Buffer.byteLength(text)}${CRLF}${text}${CRLF}`),
  array: (items: readonly string[]): string => `*${items.length}${CRLF}${items.join('')}`,
};
