// postgres check: send an SSLRequest (int32 length 8, int32 code 80877103); a PostgreSQL server
// answers with one byte, 'S' (TLS available) or 'N' (no TLS), before any authentication.
// No startup packet is sent. After 'N', PostgreSQL closes silently when the client leaves; after
// 'S' it may log an "EOF detected" SSL message, since the probe never starts the TLS handshake.
import type { HealthCheckConfig } from '../config.ts';
import { runProbe } from './probe-connection.ts';
import { probePostgresLogin } from './probe-postgres-login.ts';
import type { Verdict } from './probe-connection.ts';
import type { ProbeResult, ProbeTarget } from './probe-result.ts';
import { unexpectedReply } from './reply-snippet.ts';

const SSL_REQUEST_CODE = 80877103;

/** The 8-byte SSLRequest message. */
export const SSL_REQUEST: Buffer = (() => {
  const message = Buffer.alloc(8);
  message.writeInt32BE(8, 0);
  message.writeInt32BE(SSL_REQUEST_CODE, 4);
  return message;
})();

function judgePostgresReply(reply: Buffer): Verdict {
  const first = reply[0];
  return first === 0x53 || first === 0x4e ? true : unexpectedReply(reply);
}

/**
 * Healthy when the server answers an SSLRequest with 'S' or 'N'. With a login user, the login and
 * role check of probe-postgres-login.ts runs instead.
 */
export function probePostgres(target: ProbeTarget, config: HealthCheckConfig, signal?: AbortSignal): Promise<ProbeResult> {
  if (config.user !== '') return probePostgresLogin(target, config, signal);
  return runProbe(target, config.timeoutMs, { request: SSL_REQUEST, judge: judgePostgresReply }, signal);
}
