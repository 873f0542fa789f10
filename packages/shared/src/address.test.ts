import { describe, expect, it } from 'vitest';
import { formatAddress, parseAddress } from './address.ts';

describe('parseAddress', () => {
  it('reads host:port, IPv6 in brackets', () => {
    expect(parseAddress('127.0.0.1:6379')).toEqual({ ok: true, value: { host: '127.0.0.1', port: 6379 } });
    expect(parseAddress('[::1]:6380')).toEqual({ ok: true, value: { host: '::1', port: 6380 } });
    expect(parseAddress('db.internal:5432')).toEqual({ ok: true, value: { host: 'db.internal', port: 5432 } });
  });

  it('rejects leading or trailing spaces instead of trimming them', () => {
    for (const text of [' 127.0.0.1:6379', '127.0.0.1:6379 ', '\t[::1]:6380', '127.0.0.1:6379\n']) {
      expect(parseAddress(text), JSON.stringify(text)).toEqual({ ok: false, reason: 'must not start or end with spaces' });
    }
  });

  it('rejects what is not host:port', () => {
    for (const text of ['', '   ', '127.0.0.1', ':80', '127.0.0.1:0', '127.0.0.1:65536', '::1:80', '[::1', '1.2.3.4.5:1', 'a b:1']) {
      expect(parseAddress(text).ok, JSON.stringify(text)).toBe(false);
    }
    expect(parseAddress('127.0.0.1:0', true).ok).toBe(true);
  });

  it('round-trips through formatAddress', () => {
    for (const text of ['127.0.0.1:1', '[fe80::1]:65535', 'localhost:6379']) {
      const parsed = parseAddress(text);
      expect(parsed.ok && formatAddress(parsed.value.host, parsed.value.port)).toBe(text);
    }
  });
});
