// Maps a check type to its probe.
import type { HealthCheckConfig, HealthCheckType } from '../config.ts';
import { probeHttp } from './probe-http.ts';
import { probePostgres } from './probe-postgres.ts';
import { probeRedis } from './probe-redis.ts';
import type { ProbeFn, ProbeResult, ProbeTarget } from './probe-result.ts';
import { probeSendExpect } from './probe-send-expect.ts';
import { probeTcp } from './probe-tcp.ts';

/** The probe of every active check type. */
export const PROBES: Readonly<Record<Exclude<HealthCheckType, 'none'>, ProbeFn>> = {
  tcp: probeTcp,
  redis: probeRedis,
  postgres: probePostgres,
  http: probeHttp,
  'send-expect': probeSendExpect,
};

/**
 * Runs the probe of `config.type` once against `target`. Type 'none' checks nothing and
 * reports healthy at once; an unknown type fails without connecting. Never rejects.
 */
export function probe(target: ProbeTarget, config: HealthCheckConfig, signal?: AbortSignal): Promise<ProbeResult> {
  if (config.type === 'none') return Promise.resolve({ ok: true, latencyMs: 0 });
  const fn = Object.hasOwn(PROBES, config.type) ? PROBES[config.type] : undefined;
  if (fn === undefined) return Promise.resolve({ ok: false, reason: `unknown check type "${String(config.type)}"` });
  return fn(target, config, signal);
}
