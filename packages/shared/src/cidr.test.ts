import { describe, expect, it } from 'vitest';
import { checkCidrList, parseCidr } from './cidr.ts';

describe('parseCidr', () => {
  it('takes IPv4 and IPv6 CIDRs and bare addresses (/32, /128)', () => {
    for (const ok of ['10.0.0.0/8', '127.0.0.3', '0.0.0.0/0', '::1', '2001:db8::/32', '::/0', '::ffff:10.0.0.0/104']) expect(parseCidr(ok).ok, ok).toBe(true);
    const bare = parseCidr('192.0.2.1');
    expect(bare.ok && bare.range[1]).toBe(32);
    const bare6 = parseCidr('::1');
    expect(bare6.ok && bare6.range[1]).toBe(128);
  });

  it('turns an IPv4-mapped range into its IPv4 range', () => {
    const r = parseCidr('::ffff:10.9.0.0/112');
    expect(r.ok && r.range[0].kind()).toBe('ipv4');
    expect(r.ok && r.range[1]).toBe(16);
  });

  it('refuses malformed entries and out-of-range prefixes', () => {
    for (const bad of ['', '10.0.0', '10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', 'example.com', '0x0a.0.0.1', '10.0.0.256', 'fe80::1%eth0', ' 10.0.0.1']) {
      expect(parseCidr(bad).ok, bad).toBe(false);
    }
  });

  it('names the first bad entry and bounds the list length', () => {
    expect(checkCidrList(['10.0.0.0/8', 'nope'], 'allow')).toMatchObject({ field: 'allow[1]' });
    expect(checkCidrList(Array.from({ length: 1001 }, () => '10.0.0.1'), 'deny')).toMatchObject({ field: 'deny' });
    expect(checkCidrList(['::1'], 'deny')).toBeNull();
  });
});
