// The redis login/role check against a real primary and replica with an ACL user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/health/probe.ts';
import { healthConfig } from '../health/test-servers.ts';
import { CHECKER, startRedisPair, type RedisNode } from './redis-pair.ts';

describe('redis check with a role and an ACL login', () => {
  let primary: RedisNode;
  let replica: RedisNode;
  beforeAll(async () => {
    ({ primary, replica } = await startRedisPair());
  });
  afterAll(async () => {
    await Promise.all([primary?.stop(), replica?.stop()]);
  });
  const at = (node: RedisNode) => ({ host: '127.0.0.1', port: node.port });
  const check = (over: Parameters<typeof healthConfig>[0]) => healthConfig({ type: 'redis', timeoutMs: 1000, ...CHECKER, ...over });

  it('role primary: the primary passes, the replica fails with "role is replica"', async () => {
    expect(await probe(at(primary), check({ role: 'primary' }))).toMatchObject({ ok: true });
    expect(await probe(at(replica), check({ role: 'primary' }))).toEqual({ ok: false, reason: 'role is replica', role: 'replica' });
  });

  it('role replica: the other way round; role any with a login answers PING', async () => {
    expect(await probe(at(replica), check({ role: 'replica' }))).toMatchObject({ ok: true });
    expect(await probe(at(primary), check({ role: 'replica' }))).toEqual({ ok: false, reason: 'role is primary', role: 'primary' });
    expect(await probe(at(replica), check({ role: 'any' }))).toMatchObject({ ok: true });
  });

  it('a wrong password fails as an auth failure that does not contain the password', async () => {
    const result = await probe(at(primary), check({ role: 'primary', password: 'wrong-pw-1234' }));
    expect(result.ok).toBe(false);
    const reason = result.ok ? '' : result.reason;
    expect(reason).toMatch(/^auth failed: WRONGPASS/);
    expect(reason).not.toContain('wrong-pw-1234');
  });

  it('without a login, ROLE is refused (NOAUTH): the role cannot be told, so the check fails', async () => {
    const result = await probe(at(primary), check({ role: 'primary', username: '', password: '' }));
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^error: NOAUTH/) });
    // The plain PING check (role any, no login) keeps its documented behaviour: NOAUTH = alive.
    expect(await probe(at(primary), check({ role: 'any', username: '', password: '' }))).toMatchObject({ ok: true });
  });
});
