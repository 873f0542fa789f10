import { describe, expect, it } from 'vitest';
import { decodeEscapes } from './decode-escapes.ts';

describe('decodeEscapes', () => {
  it('decodes \\r \\n \\t \\\\ and \\xHH', () => {
    expect(decodeEscapes('PING\\r\\n')).toEqual(Buffer.from('PING\r\n'));
    expect(decodeEscapes('a\\tb\\\\c')).toEqual(Buffer.from('a\tb\\c'));
    expect(decodeEscapes('\\x00\\x04\\xd2\\x16\\x2F')).toEqual(Buffer.from([0x00, 0x04, 0xd2, 0x16, 0x2f]));
  });

  it('keeps unknown or incomplete escapes literally', () => {
    expect(decodeEscapes('\\q')).toEqual(Buffer.from('\\q'));
    expect(decodeEscapes('\\x4')).toEqual(Buffer.from('\\x4'));
    expect(decodeEscapes('\\xZZ')).toEqual(Buffer.from('\\xZZ'));
    expect(decodeEscapes('end\\')).toEqual(Buffer.from('end\\'));
  });

  it('encodes plain text as UTF-8 and mixes it with raw bytes', () => {
    expect(decodeEscapes('é\\xff')).toEqual(Buffer.from([0xc3, 0xa9, 0xff]));
    expect(decodeEscapes('')).toEqual(Buffer.alloc(0));
  });
});
