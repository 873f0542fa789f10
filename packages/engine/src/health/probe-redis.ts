// redis check: `PING` must be answered with `+PONG`.
//
// Decision: `-NOAUTH` (password required) and `-NOPERM` (ACL forbids PING) count as healthy —
// the server is up and serving; authenticating is the client's business, and the balancer
// cannot know the password. `-LOADING` (dataset still loading), `-BUSY`, `-MASTERDOWN`,
// protected-mode `-DENIED` and every other reply are unhealthy: a client would get errors.
import type { HealthCheckConfig } from '../config.ts';
import { runProbe } from './probe-connection.ts';
import { probeRedisRole } from './probe-redis-role.ts';
import type { Verdict } from './probe-connection.ts';
import type { ProbeResult, ProbeTarget } from './probe-result.ts';
import { unexpectedReply } from './reply-snippet.ts';

const PING = Buffer.from('PING\r\n', 'latin1');
const ALIVE_PREFIXES = ['+PONG', '-NOAUTH', '-NOPERM'];

/** Judges a reply to PING once its first line is complete (or no more bytes will come). */
export function judgeRedisReply(reply: Buffer, ended: boolean): Verdict {
  const eol = reply.indexOf('\r\n');
  if (eol === -1 && !ended) return undefined;
  const line = reply.toString('latin1', 0, eol === -1 ? reply.length : eol);
  return ALIVE_PREFIXES.some((prefix) => line.startsWith(prefix)) ? true : unexpectedReply(reply);
}

/**
 * Healthy when the server answers PING with +PONG (or asks for authentication). With a password
 * or a role, the login/role check of probe-redis-role.ts runs instead.
 */
export function probeRedis(target: ProbeTarget, config: HealthCheckConfig, signal?: AbortSignal): Promise<ProbeResult> {
  if (config.password !== '' || config.role !== 'any') return probeRedisRole(target, config, signal);
  return runProbe(target, config.timeoutMs, { request: PING, judge: judgeRedisReply }, signal);
}
