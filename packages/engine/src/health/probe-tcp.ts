// tcp check: the backend accepts a connection. Nothing is sent; the socket is closed at once.
import type { HealthCheckConfig } from '../config.ts';
import { runProbe } from './probe-connection.ts';
import type { ProbeResult, ProbeTarget } from './probe-result.ts';

/** Healthy when a TCP connection is established within the timeout. */
export function probeTcp(target: ProbeTarget, config: HealthCheckConfig, signal?: AbortSignal): Promise<ProbeResult> {
  return runProbe(target, config.timeoutMs, {}, signal);
}
