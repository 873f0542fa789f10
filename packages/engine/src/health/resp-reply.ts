// A minimal RESP2 reader for the redis check: enough to read the replies to AUTH, PING and ROLE
// from a byte buffer that may still be incomplete.

/** One parsed reply: a status (+OK), an error (-ERR …), an integer, a bulk string or an array. */
export type RespValue =
  | { kind: 'status' | 'error'; text: string }
  | { kind: 'integer'; value: number }
  | { kind: 'bulk'; text: string | null }
  | { kind: 'array'; items: RespValue[] | null };

/** A parsed reply and the offset just after it. */
export interface RespRead {
  value: RespValue;
  next: number;
}

/** Nesting deeper than this is not a reply the check asked for. */
const MAX_DEPTH = 4;

/** Reads one reply at `offset`: undefined while incomplete, null when the bytes are not RESP. */
export function readResp(buf: Buffer, offset = 0, depth = 0): RespRead | null | undefined {
  const eol = buf.indexOf('\r\n', offset, 'latin1');
  if (eol === -1) return undefined;
  const type = buf[offset];
  const line = buf.toString('latin1', offset + 1, eol);
  const after = eol + 2;
  switch (type) {
    case 0x2b: // +
      return { value: { kind: 'status', text: line }, next: after };
    case 0x2d: // -
      return { value: { kind: 'error', text: line }, next: after };
    case 0x3a: // :
      return { value: { kind: 'integer', value: Number(line) }, next: after };
    case 0x24: {
      // $len\r\n<bytes>\r\n
      const len = lengthOf(line);
      if (len === null) return null;
      if (len < 0) return { value: { kind: 'bulk', text: null }, next: after };
      if (buf.length < after + len + 2) return undefined;
      return { value: { kind: 'bulk', text: buf.toString('latin1', after, after + len) }, next: after + len + 2 };
    }
    case 0x2a: {
      // *count\r\n<count replies>
      const count = lengthOf(line);
      if (count === null || depth >= MAX_DEPTH) return null;
      if (count < 0) return { value: { kind: 'array', items: null }, next: after };
      const items: RespValue[] = [];
      let next = after;
      for (let i = 0; i < count; i++) {
        const item = readResp(buf, next, depth + 1);
        if (item == null) return item;
        items.push(item.value);
        next = item.next;
      }
      return { value: { kind: 'array', items }, next };
    }
    default:
      return null;
  }
}

function lengthOf(line: string): number | null {
  return /^-?\d{1,9}$/.test(line) ? Number(line) : null;
}

/** Encodes a command as a RESP array of bulk strings (binary-safe: spaces in a password are fine). */
export function encodeCommand(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg, 'utf8')}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''), 'utf8');
}
