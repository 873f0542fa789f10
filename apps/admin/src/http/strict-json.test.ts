import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonSyntaxError, lineColumn, parseStrictJson } from './strict-json.ts';

function failure(text: string, opts?: Parameters<typeof parseStrictJson>[1]): JsonSyntaxError {
  try {
    parseStrictJson(text, opts);
  } catch (err) {
    if (err instanceof JsonSyntaxError) return err;
    throw err;
  }
  throw new Error(`accepted ${text}`);
}

describe('parseStrictJson', () => {
  it('refuses duplicate keys at any depth, naming the key, its path and position', () => {
    const top = failure('{"name":"x","name":"y"}');
    expect(top.message).toBe('duplicate key "name" at line 1, column 13');
    expect(top.field).toBe('name');
    const deep = failure('{"services":[{"name":"a"},\n  {"name":"b",\n   "backends":[{"address":"x","weight":1,"weight":2}]}]}');
    expect(deep.message).toBe('duplicate key "weight" at line 3, column 42');
    expect(deep.field).toBe('services[1].backends[0].weight');
    // The same key spelled with an escape is still the same key.
    expect(failure('{"a":1,"\\u0061":2}').field).toBe('a');
  });

  it('accepts equal keys in different objects', () => {
    expect(parseStrictJson('[{"a":1},{"a":2}]')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseStrictJson('{"a":{"a":{"a":1}}}')).toEqual({ a: { a: { a: 1 } } });
  });

  it('names line and column of syntax errors', () => {
    expect(failure('{"name": "x",\n "listen": }').message).toBe('unexpected character "}" at line 2, column 12');
    expect(failure('{"name": ').message).toBe('unexpected end of input at line 1, column 10');
    expect(failure('{"a":1,}').message).toBe('expected a key in double quotes but found character "}" at line 1, column 8');
    expect(failure('[1 2]').message).toBe('expected "," or "]" but found character "2" at line 1, column 4');
    expect(failure('{"a" 1}').message).toBe('expected ":" after a key but found character "1" at line 1, column 6');
    expect(failure('{} x').message).toBe('unexpected character "x" after the end of the value at line 1, column 4');
    expect(failure('"a\tb"').message).toBe('character U+0009 must be escaped in a string at line 1, column 3');
    expect(failure('01').message).toBe('a number must not have leading zeros at line 1, column 1');
    expect(failure('"abc').message).toBe('unterminated string at line 1, column 1');
  });

  it('refuses forbidden keys and too deep nesting', () => {
    const proto = failure('{"a":{"__proto__":{}}}', { forbiddenKeys: new Set(['__proto__']) });
    expect(proto.message).toMatch(/^key "__proto__" is not allowed/);
    expect(proto.field).toBe('a.__proto__');
    expect(failure('['.repeat(11) + ']'.repeat(11), { maxDepth: 10 }).message).toMatch(/^nested deeper than 10 levels/);
    // Deep input never overflows the stack: the scan is iterative.
    expect(failure('{"a":'.repeat(100_000), { maxDepth: 1_000_000 }).message).toMatch(/end of input/);
  });

  it('agrees with JSON.parse on every valid document', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses exactly what JSON.parse refuses, except duplicate keys it alone refuses', () => {
    const jsonish = fc.oneof(
      fc.string(),
      fc.json().chain((s) =>
        fc.tuple(fc.nat(s.length), fc.nat(3), fc.constantFrom('', ',', '}', ']', '"', ':', '0', '-', '.', 'e', '\\', ' ', '\n', '{"a":1,"a":2}')).map(
          ([at, cut, insert]) => s.slice(0, at) + insert + s.slice(at + cut),
        ),
      ),
    );
    fc.assert(
      fc.property(jsonish, (text) => {
        let native: unknown;
        let nativeOk = true;
        try {
          native = JSON.parse(text);
        } catch {
          nativeOk = false;
        }
        let strictError: unknown;
        try {
          expect(parseStrictJson(text)).toEqual(native);
        } catch (err) {
          strictError = err;
        }
        if (!nativeOk) expect(strictError).toBeInstanceOf(JsonSyntaxError);
        else if (strictError !== undefined) expect((strictError as Error).message).toMatch(/^duplicate key/);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts lines and columns from 1', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 3)).toEqual({ line: 2, column: 1 });
    expect(lineColumn('ab\ncd', 5)).toEqual({ line: 2, column: 3 });
  });
});
