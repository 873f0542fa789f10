// Decodes the escapes operators type into send/expect strings of a send-expect check.

const SIMPLE: Readonly<Record<string, number>> = { r: 0x0d, n: 0x0a, t: 0x09, '\\': 0x5c };

/**
 * `\r`, `\n`, `\t`, `\\` and `\xHH` become their bytes; any other text is UTF-8. An unknown or
 * incomplete escape (`\q`, `\x4`, a trailing `\`) is kept literally rather than rejected.
 */
export function decodeEscapes(text: string): Buffer {
  const parts: Buffer[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '\\' || i + 1 >= text.length) {
      literal += ch;
      i += 1;
      continue;
    }
    const next = text[i + 1] ?? '';
    const simple = SIMPLE[next];
    let byte: number | undefined;
    let width = 2;
    if (simple !== undefined) byte = simple;
    else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      byte = Number.parseInt(text.slice(i + 2, i + 4), 16);
      width = 4;
    }
    if (byte === undefined) {
      literal += ch;
      i += 1;
      continue;
    }
    if (literal !== '') parts.push(Buffer.from(literal, 'utf8'));
    literal = '';
    parts.push(Buffer.from([byte]));
    i += width;
  }
  if (literal !== '') parts.push(Buffer.from(literal, 'utf8'));
  return Buffer.concat(parts);
}
