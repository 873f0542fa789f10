// redis check with a login or a role: `AUTH [username] password` (when a password is set), then
// `ROLE` (when a role is required) or `PING`, pipelined in one write on one connection.
//
// Rules: an AUTH error (`-WRONGPASS …`) fails as `auth failed: …`; a role reply of `master`
// counts as primary and `slave` as replica, anything else (`sentinel`) as neither; a backend whose
// role differs fails as `role is replica` / `role is primary`. `-NOAUTH`/`-NOPERM` to ROLE fail too:
// with a role to check, "cannot tell" is not healthy. The password is never part of a reason.
import type { HealthCheckConfig, HealthCheckRole } from '../config.ts';
import { runProbe } from './probe-connection.ts';
import type { Verdict } from './probe-connection.ts';
import type { ProbeResult, ProbeTarget } from './probe-result.ts';
import { replySnippet, unexpectedReply } from './reply-snippet.ts';
import { encodeCommand, readResp } from './resp-reply.ts';
import type { RespValue } from './resp-reply.ts';

const ROLE_NAMES: Readonly<Record<string, HealthCheckRole>> = { master: 'primary', slave: 'replica' };

/** The pipelined request of a login/role check. */
export function redisRoleRequest(config: Pick<HealthCheckConfig, 'username' | 'password' | 'role'>): Buffer {
  const commands: Buffer[] = [];
  if (config.password !== '') {
    commands.push(encodeCommand(config.username === '' ? ['AUTH', config.password] : ['AUTH', config.username, config.password]));
  }
  commands.push(encodeCommand([config.role === 'any' ? 'PING' : 'ROLE']));
  return Buffer.concat(commands);
}

/** The role a ROLE reply names ('any' when it names neither primary nor replica). */
export function roleOf(value: RespValue): HealthCheckRole | undefined {
  if (value.kind !== 'array' || value.items === null) return undefined;
  const first = value.items[0];
  if (first?.kind !== 'bulk' || first.text === null) return undefined;
  return ROLE_NAMES[first.text] ?? 'any';
}

function errorText(value: RespValue): string {
  return value.kind === 'error' ? replySnippet(Buffer.from(value.text, 'latin1')) : '';
}

/** Judges the replies to redisRoleRequest(config) once all of them are complete; `onRole` hears the role a ROLE reply named. */
export function judgeRedisRoleReplies(
  reply: Buffer,
  ended: boolean,
  config: Pick<HealthCheckConfig, 'password' | 'role'>,
  onRole?: (role: string) => void,
): Verdict {
  const replies: RespValue[] = [];
  let offset = 0;
  const expected = config.password === '' ? 1 : 2;
  while (replies.length < expected) {
    const read = readResp(reply, offset);
    if (read === null) return unexpectedReply(reply.subarray(offset));
    if (read === undefined) return ended ? unexpectedReply(reply.subarray(offset)) : undefined;
    replies.push(read.value);
    offset = read.next;
  }
  const [auth, last] = expected === 2 ? replies : [undefined, replies[0]];
  if (auth !== undefined && auth.kind === 'error') return `auth failed: ${errorText(auth)}`;
  if (last === undefined) return 'connection closed';
  if (last.kind === 'error') return `error: ${errorText(last)}`;
  if (config.role === 'any') return last.kind === 'status' && last.text === 'PONG' ? true : unexpectedReply(reply);
  const seen = roleOf(last);
  if (seen === undefined) return unexpectedReply(reply);
  const seenName = seen === 'any' ? 'unknown' : seen;
  onRole?.(seenName);
  if (seen !== config.role) return `role is ${seenName}`;
  return true;
}

/** Healthy when the login (if any) succeeds and the server has the required role (or answers PING). */
export async function probeRedisRole(target: ProbeTarget, config: HealthCheckConfig, signal?: AbortSignal): Promise<ProbeResult> {
  let role: string | undefined;
  const result = await runProbe(target, config.timeoutMs, {
    request: redisRoleRequest(config),
    judge: (reply, ended) =>
      judgeRedisRoleReplies(reply, ended, config, (seen) => {
        role = seen;
      }),
  }, signal);
  return role === undefined ? result : { ...result, role };
}
