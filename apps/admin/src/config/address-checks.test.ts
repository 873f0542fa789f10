import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error.ts';
import { AddressChecks, answerWith, canonicalIp } from './address-checks.ts';

const hp = (host: string, port: number) => ({ host, port });

describe('canonicalIp', () => {
  it('writes each address one way', () => {
    expect(canonicalIp('127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalIp('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalIp('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalIp('::ffff:7f00:2')).toBe('127.0.0.2');
    expect(canonicalIp('FE80::1')).toBe('fe80::1');
  });
});

describe('AddressChecks.isSelfLoop', () => {
  const checks = new AddressChecks({ resolved: new Map([['myself.example', { addresses: ['127.0.1.1'] }], ['far.example', { addresses: ['192.0.2.7'] }]]) });

  it('a listener on one address is reached by that address under any spelling, nothing else', () => {
    const listen = hp('127.0.0.1', 6380);
    for (const host of ['127.0.0.1', 'localhost', 'app.localhost', '::ffff:127.0.0.1', '0.0.0.0']) expect(checks.isSelfLoop(listen, hp(host, 6380)), host).toBe(true);
    for (const host of ['127.0.0.2', '::1', 'far.example', 'unknown.example']) expect(checks.isSelfLoop(listen, hp(host, 6380)), host).toBe(false);
    expect(checks.isSelfLoop(listen, hp('127.0.0.1', 6381))).toBe(false);
  });

  it('0.0.0.0 is reached by every local IPv4 address, :: by every local address', () => {
    for (const host of ['127.0.0.1', '127.0.0.9', 'localhost', 'myself.example', '0.0.0.0']) expect(checks.isSelfLoop(hp('0.0.0.0', 6380), hp(host, 6380)), host).toBe(true);
    for (const host of ['::1', 'far.example']) expect(checks.isSelfLoop(hp('0.0.0.0', 6380), hp(host, 6380)), host).toBe(false);
    for (const host of ['::1', '127.0.0.1', 'localhost']) expect(checks.isSelfLoop(hp('::', 6380), hp(host, 6380)), host).toBe(true);
    expect(checks.isSelfLoop(hp('::', 6380), hp('192.0.2.7', 6380))).toBe(false);
  });

  it('judges by the host this node binds (--listen-host), not the stored one', () => {
    const onNode = new AddressChecks({ listenHost: '0.0.0.0' });
    expect(onNode.isSelfLoop(hp('10.9.9.9', 6380), hp('127.0.0.1', 6380))).toBe(true);
    expect(new AddressChecks().isSelfLoop(hp('10.9.9.9', 6380), hp('127.0.0.1', 6380))).toBe(false);
  });
});

describe('AddressChecks.backend', () => {
  it('throws SELF_LOOP naming the field; warns about unresolved names and other spellings', () => {
    const checks = new AddressChecks({ resolved: new Map([['gone.invalid', { error: 'ENOTFOUND' }], ['redis.example', { addresses: ['192.0.2.1'] }]]) });
    expect(() => checks.backend(hp('127.0.0.1', 6380), hp('localhost', 6380), 'backends[2].address', [])).toThrow(ApiError);
    try {
      checks.backend(hp('127.0.0.1', 6380), hp('localhost', 6380), 'backends[2].address', []);
    } catch (err) {
      expect(err).toMatchObject({ statusCode: 400, code: 'SELF_LOOP', field: 'backends[2].address' });
    }
    checks.backend(hp('127.0.0.1', 6380), hp('gone.invalid', 6379), 'address', []);
    checks.backend(hp('127.0.0.1', 6380), hp('192.0.2.1', 6379), 'address', [hp('redis.example', 6379)]);
    checks.backend(hp('127.0.0.1', 6380), hp('192.0.2.1', 6379), 'address', [hp('redis.example', 6380), hp('192.0.2.2', 6379)]);
    expect(checks.warnings.map((w) => [w.code, w.field])).toEqual([
      ['UNRESOLVED_HOST', 'address'],
      ['SAME_ENDPOINT', 'address'],
    ]);
    expect(checks.warnings[0]!.message).toContain('(ENOTFOUND)');
  });

  it('notes a service without idle timeout, and answers warnings only when there are some', () => {
    const checks = new AddressChecks();
    checks.noIdleTimeout(5000, 'idleTimeoutMs');
    expect(answerWith({ id: 1 }, checks.warnings)).toEqual({ id: 1 });
    checks.noIdleTimeout(0, 'idleTimeoutMs');
    expect(answerWith({ id: 1 }, checks.warnings)).toEqual({ id: 1, warnings: [expect.objectContaining({ code: 'NO_IDLE_TIMEOUT', field: 'idleTimeoutMs' })] });
  });
});
