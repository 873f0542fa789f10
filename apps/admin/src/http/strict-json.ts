// Strict JSON: what JSON.parse accepts, minus what it silently forgives. JSON.parse keeps the last
// of two equal keys (`{"name":"x","name":"y"}` names "y"), so a request could say one thing to a
// reader and another to the server; and its errors name no position. One iterative pass (no
// recursion, so deep nesting cannot overflow the stack) checks the syntax and every object's keys
// and reports line and column; JSON.parse then builds the value natively.

/** A syntax error or a duplicate/forbidden key, with where it is. */
export class JsonSyntaxError extends Error {
  /** Offset in the text (UTF-16 code units) of the offending character or key. */
  readonly offset: number;
  /** 1-based line and column of `offset`. */
  readonly line: number;
  readonly column: number;
  /** For a key problem: the key's path, e.g. `services[0].name`. */
  readonly field: string | undefined;
  constructor(text: string, problem: string, offset: number, field?: string) {
    const { line, column } = lineColumn(text, offset);
    super(`${problem} at line ${line}, column ${column}`);
    this.name = 'JsonSyntaxError';
    this.offset = offset;
    this.line = line;
    this.column = column;
    this.field = field;
  }
}

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export interface StrictJsonOptions {
  /** Keys refused wherever they appear (prototype-pollution guards). */
  forbiddenKeys?: ReadonlySet<string>;
  /** Deepest nesting accepted (default 1000). */
  maxDepth?: number;
}

interface Frame {
  /** '{' or '['. */
  kind: number;
  keys: Set<string> | undefined;
  /** The element count so far (arrays) or the current key (objects), for error paths. */
  index: number;
  key: string;
}

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const ESCAPES = new Set([...'"\\/bfnrtu'].map((ch) => ch.charCodeAt(0)));

function describeChar(text: string, at: number): string {
  if (at >= text.length) return 'end of input';
  const code = text.codePointAt(at)!;
  return code < 0x20 ? `character U+${code.toString(16).padStart(4, '0').toUpperCase()}` : `character ${JSON.stringify(String.fromCodePoint(code))}`;
}

function pathOf(stack: readonly Frame[]): string {
  let path = '';
  for (const frame of stack) {
    if (frame.kind === OPEN_ARRAY) path += `[${frame.index}]`;
    else path += path === '' ? frame.key : `.${frame.key}`;
  }
  return path;
}

/**
 * Parses `text` as JSON, refusing what JSON.parse would accept with a loss: duplicate keys at any
 * depth, `forbiddenKeys`, nesting beyond `maxDepth`. Throws JsonSyntaxError naming the position.
 */
export function parseStrictJson(text: string, opts: StrictJsonOptions = {}): unknown {
  scan(text, opts.forbiddenKeys, opts.maxDepth ?? 1000);
  return JSON.parse(text) as unknown;
}

function scan(text: string, forbidden: ReadonlySet<string> | undefined, maxDepth: number): void {
  const n = text.length;
  const stack: Frame[] = [];
  let i = 0;
  const fail = (problem: string, at: number, field?: string): never => {
    throw new JsonSyntaxError(text, problem, at, field);
  };
  const unexpected = (at: number): never => fail(`unexpected ${describeChar(text, at)}`, at);
  const skipWhitespace = () => {
    while (i < n && isWhitespace(text.charCodeAt(i))) i++;
  };
  /** Scans a string starting at the quote at `i`; returns its raw end (after the closing quote). */
  const scanString = (): number => {
    const start = i;
    i++;
    for (;;) {
      if (i >= n) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === QUOTE) return ++i;
      if (c < 0x20) fail(`${describeChar(text, i)} must be escaped in a string`, i);
      if (c === BACKSLASH) {
        const e = text.charCodeAt(i + 1);
        if (!ESCAPES.has(e)) fail(`invalid escape ${JSON.stringify(text.slice(i, i + 2))}`, i);
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) if (!isHex(text.charCodeAt(i + k))) fail(`invalid escape ${JSON.stringify(text.slice(i, i + 6))}`, i);
          i += 6;
        } else i += 2;
        continue;
      }
      i++;
    }
  };
  const scanNumber = () => {
    const start = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    const first = text.charCodeAt(i);
    if (!isDigit(first)) fail(`invalid number ${JSON.stringify(text.slice(start, i + 1))}`, start);
    i++;
    if (first === 0x30 && isDigit(text.charCodeAt(i))) fail('a number must not have leading zeros', start);
    while (isDigit(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (!isDigit(text.charCodeAt(i))) fail('a decimal point must be followed by digits', start);
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!isDigit(text.charCodeAt(i))) fail('an exponent must have digits', start);
      while (isDigit(text.charCodeAt(i))) i++;
    }
  };
  const scanLiteral = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else unexpected(i);
  };

  /** Reads `"key" :` inside an object frame, checking the key; leaves i at the value. */
  const readKey = (frame: Frame): void => {
    skipWhitespace();
    if (text.charCodeAt(i) !== QUOTE) fail(`expected a key in double quotes but found ${describeChar(text, i)}`, i);
    const start = i;
    const end = scanString();
    const raw = text.slice(start + 1, end - 1);
    const key = raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
    frame.key = key;
    if (frame.keys!.has(key)) fail(`duplicate key ${JSON.stringify(key)}`, start, pathOf(stack));
    if (forbidden?.has(key)) fail(`key ${JSON.stringify(key)} is not allowed`, start, pathOf(stack));
    frame.keys!.add(key);
    skipWhitespace();
    if (text.charCodeAt(i) !== COLON) fail(`expected ":" after a key but found ${describeChar(text, i)}`, i);
    i++;
  };

  // The loop alternates: read a value, then what may follow it in the enclosing container.
  for (;;) {
    // A value is expected at i.
    skipWhitespace();
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (stack.length >= maxDepth) fail(`nested deeper than ${maxDepth} levels`, i);
      const frame: Frame = { kind: c, keys: c === OPEN_OBJECT ? new Set() : undefined, index: 0, key: '' };
      stack.push(frame);
      i++;
      skipWhitespace();
      const close = c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
      if (text.charCodeAt(i) === close) {
        i++;
        stack.pop();
      } else if (c === OPEN_OBJECT) {
        readKey(frame);
        continue;
      } else continue;
    } else if (c === QUOTE) scanString();
    else if (c === 0x2d || isDigit(c)) scanNumber();
    else if (c === 0x74) scanLiteral('true');
    else if (c === 0x66) scanLiteral('false');
    else if (c === 0x6e) scanLiteral('null');
    else unexpected(i);

    // After a value: close containers or move to the next element.
    for (;;) {
      skipWhitespace();
      const top = stack.at(-1);
      if (!top) {
        if (i < n) fail(`unexpected ${describeChar(text, i)} after the end of the value`, i);
        return;
      }
      const d = text.charCodeAt(i);
      if (d === COMMA) {
        i++;
        if (top.kind === OPEN_ARRAY) top.index++;
        else readKey(top);
        break;
      }
      if (d === (top.kind === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        i++;
        stack.pop();
        continue;
      }
      const expected = top.kind === OPEN_OBJECT ? '"," or "}"' : '"," or "]"';
      fail(`expected ${expected} but found ${describeChar(text, i)}`, i);
    }
  }

}
