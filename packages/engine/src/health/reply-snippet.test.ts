import { describe, expect, it } from 'vitest';
import { replySnippet, unexpectedReply } from './reply-snippet.ts';

describe('replySnippet', () => {
  it('shows the first line without its line break', () => {
    expect(replySnippet(Buffer.from('-ERR boom\r\n'))).toBe('-ERR boom');
    expect(unexpectedReply(Buffer.from('-ERR boom\r\n'))).toBe('unexpected reply "-ERR boom"');
  });

  it('cuts long replies and marks more lines with …', () => {
    const long = `-LOADING Redis is loading the dataset in memory\r\n`;
    expect(replySnippet(Buffer.from(long))).toBe('-LOADING Redis is loading the dataset in…');
    expect(replySnippet(Buffer.from('HTTP/1.1 200 OK\r\nServer: x\r\n'))).toBe('HTTP/1.1 200 OK…');
  });

  it('escapes quotes, backslashes and non-printable bytes', () => {
    expect(replySnippet(Buffer.from([0x45, 0x00, 0xff, 0x22, 0x5c]))).toBe('E\\x00\\xff\\"\\\\');
    expect(replySnippet(Buffer.from('\r\nrest'))).toBe('\\x0d\\x0arest');
  });
});
