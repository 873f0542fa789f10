import { describe, expect, it } from 'vitest';
import { encodeCommand, readResp } from './resp-reply.ts';
import { judgeRedisRoleReplies, redisRoleRequest } from './probe-redis-role.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('resp-reply', () => {
  it('reads statuses, errors, bulks and nested arrays, and waits for incomplete ones', () => {
    expect(readResp(b('+OK\r\n'))).toEqual({ value: { kind: 'status', text: 'OK' }, next: 5 });
    expect(readResp(b('-ERR x\r\n'))?.value).toEqual({ kind: 'error', text: 'ERR x' });
    expect(readResp(b('$5\r\nmas'))).toBeUndefined();
    const role = b('*3\r\n$6\r\nmaster\r\n:10\r\n*0\r\n');
    expect(readResp(role)).toEqual({
      value: { kind: 'array', items: [{ kind: 'bulk', text: 'master' }, { kind: 'integer', value: 10 }, { kind: 'array', items: [] }] },
      next: role.length,
    });
    expect(readResp(b('HTTP/1.1 200 OK\r\n'))).toBeNull();
    expect(readResp(b('$abc\r\n'))).toBeNull();
  });

  it('encodes commands as bulk arrays, so a password with spaces stays one argument', () => {
    expect(encodeCommand(['AUTH', 'u', 'a b']).toString()).toBe('*3\r\n$4\r\nAUTH\r\n$1\r\nu\r\n$3\r\na b\r\n');
    expect(redisRoleRequest({ username: '', password: '', role: 'primary' }).toString()).toBe('*1\r\n$4\r\nROLE\r\n');
  });

  it('judges the replies: auth first, then the role', () => {
    const cfg = { password: 'p', role: 'primary' } as const;
    expect(judgeRedisRoleReplies(b('+OK\r\n*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n'), false, cfg)).toBe(true);
    expect(judgeRedisRoleReplies(b('+OK\r\n*5\r\n$5\r\nslave\r\n'), false, cfg)).toBeUndefined();
    expect(judgeRedisRoleReplies(b('+OK\r\n*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:6379\r\n$9\r\nconnected\r\n:1\r\n'), false, cfg)).toBe('role is replica');
    expect(judgeRedisRoleReplies(b('-WRONGPASS invalid\r\n-NOAUTH x\r\n'), false, cfg)).toBe('auth failed: WRONGPASS invalid');
    expect(judgeRedisRoleReplies(b('+OK\r\n*0\r\n'), false, cfg)).toMatch(/^unexpected reply/);
  });
});
