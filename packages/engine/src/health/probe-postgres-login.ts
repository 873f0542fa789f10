// postgres check with a login: connect with the `pg` client (it speaks SCRAM-SHA-256, md5 and
// cleartext password authentication, so Fulcrum does not hand-write any), run
// `SELECT pg_is_in_recovery()` and compare with the required role (primary: false, standby: true).
//
// Rules: one connection per check, bounded by timeoutMs from connect to answer, always closed —
// a graceful Terminate after an answer, the socket destroyed on failure, timeout or abort. A
// login error fails as `login failed: <server message>` (the server never echoes the password).
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { HealthCheckConfig } from '../config.ts';
import { errorReason } from './probe-connection.ts';
import type { ProbeResult, ProbeTarget } from './probe-result.ts';

const QUERY = 'SELECT pg_is_in_recovery() AS standby';
const MAX_MESSAGE_CHARS = 120;

/** Why a pg client call failed, in the probes' wording. */
function failureReason(err: unknown, connected: boolean): string {
  const e = err as { code?: unknown; message?: unknown; severity?: unknown } | null;
  if (typeof e?.severity === 'string') {
    // A server ErrorResponse (SQLSTATE code): 28xxx is authentication, the rest a refusal.
    const message = String(e.message).slice(0, MAX_MESSAGE_CHARS);
    return String(e.code).startsWith('28') ? `login failed: ${message}` : `error: ${message}`;
  }
  if (typeof e?.code === 'string') return errorReason(err, connected);
  return `${connected ? 'query' : 'login'} failed: ${String(e?.message ?? 'unknown').slice(0, MAX_MESSAGE_CHARS)}`;
}

/**
 * The pg client, loaded on the first login check: it costs ~13 MiB RSS in every process that
 * imports it, and most engines never run such a check (a cluster worker runs no checks at all).
 */
let pgModule: Promise<typeof pg> | undefined;
function loadPg(): Promise<typeof pg> {
  pgModule ??= import('pg').then((m) => m.default);
  return pgModule;
}

/** Healthy when the login succeeds and the server's recovery state matches `role`. */
export async function probePostgresLogin(target: ProbeTarget, config: HealthCheckConfig, signal?: AbortSignal): Promise<ProbeResult> {
  const pg = await loadPg();
  return new Promise<ProbeResult>((resolve) => {
    if (signal?.aborted === true) {
      resolve({ ok: false, reason: 'aborted' });
      return;
    }
    const started = performance.now();
    const client = new pg.Client({
      host: target.host,
      port: target.port,
      user: config.user,
      database: config.database === '' ? config.user : config.database,
      password: config.password,
      application_name: 'fulcrum-health-check',
      ssl: false,
    });
    // Errors after the verdict (the socket torn down below) belong to nobody.
    client.on('error', () => {});
    // TCP connected (the server then owes a reply): the same wording as the other probes.
    let connected = false;
    client.connection.once('connect', () => {
      connected = true;
    });
    let settled = false;
    let seenRole: string | undefined;
    const finish = (verdict: true | string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (verdict === true) void client.end().catch(() => {});
      else client.connection.stream.destroy();
      const result: ProbeResult = verdict === true ? { ok: true, latencyMs: performance.now() - started } : { ok: false, reason: verdict };
      resolve(seenRole === undefined ? result : { ...result, role: seenRole });
    };
    function onAbort(): void {
      finish('aborted');
    }
    const timer = setTimeout(() => finish(connected ? 'timeout waiting for reply' : 'connect timeout'), Math.max(0, config.timeoutMs));
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
    client
      .connect()
      .then(() => client.query<{ standby: boolean }>(QUERY))
      .then((result) => {
        const standby = result.rows[0]?.standby;
        if (typeof standby !== 'boolean') return finish('unexpected reply to pg_is_in_recovery()');
        const role = standby ? 'standby' : 'primary';
        seenRole = role;
        finish(config.role === 'any' || config.role === role ? true : `role is ${role}`);
      })
      .catch((err: unknown) => finish(failureReason(err, connected)));
  });
}
