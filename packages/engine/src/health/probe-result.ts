// What one health probe reports, and the shape every probe function shares.
import type { HealthCheckConfig } from '../config.ts';

/** Where a probe connects. */
export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  /** Written first on connect, before the check's own request (a PROXY protocol header; latin1). */
  readonly proxyHeader?: string;
}

/**
 * Outcome of one probe: latency on success, a short human reason (`connect refused`) on failure;
 * `role` when a role or login check read the server's role (`primary`, `replica`, `standby`).
 */
export type ProbeResult = { ok: true; latencyMs: number; role?: string } | { ok: false; reason: string; role?: string };

/**
 * One check type. Opens at most one socket, finishes within `config.timeoutMs` (connect and
 * reply together), destroys the socket exactly once and never rejects.
 */
export type ProbeFn = (target: ProbeTarget, config: HealthCheckConfig, signal?: AbortSignal) => Promise<ProbeResult>;
