import { expect, it } from 'vitest';
import { clientKey } from './client-key.ts';

it('keys an IPv4 client by its address, also when a dual-stack listener maps it', () => {
  expect(clientKey('10.1.2.3', 64)).toBe('10.1.2.3');
  expect(clientKey('::ffff:10.1.2.3', 64)).toBe('10.1.2.3');
  expect(clientKey('::ffff:a01:203', 64)).toBe('10.1.2.3');
});

it.each([
  ['2001:db8:1:2:3:4:5:6', 64, '2001:db8:1:2/64'],
  ['2001:db8:1:2::99', 64, '2001:db8:1:2/64'],
  ['2001:DB8:0001:0002:ffff::1', 64, '2001:db8:1:2/64'],
  ['::1', 64, '0:0:0:0/64'],
  ['::1', 128, '0:0:0:0:0:0:0:1/128'],
  ['2001:db8:abcd:12ff::1', 56, '2001:db8:abcd:1200/56'],
  ['2001:db8:abcd:12ff::1', 48, '2001:db8:abcd/48'],
  ['2001:db8:abcd:12ff::1', 1, '0/1'],
  ['fe80::1%eth0', 64, 'fe80:0:0:0/64'],
])('keys %s with /%i as %s', (address, prefix, key) => {
  expect(clientKey(address, prefix)).toBe(key);
});

it('puts every address of one prefix in one key and neighbouring prefixes in others', () => {
  expect(clientKey('2001:db8::1', 64)).toBe(clientKey('2001:db8::ffff:ffff:ffff:ffff', 64));
  expect(clientKey('2001:db8::1', 64)).not.toBe(clientKey('2001:db8:0:1::1', 64));
  expect(clientKey('2001:db8:0:1::1', 48)).toBe(clientKey('2001:db8:0:ffff::1', 48));
  expect(clientKey('2001:db8::1', 128)).not.toBe(clientKey('2001:db8::2', 128));
});

it('keeps text it cannot read as it is (then it is still one client)', () => {
  expect(clientKey('not:an:address', 64)).toBe('not:an:address');
  expect(clientKey('', 64)).toBe('');
});
