// A clock for "nothing happened" checks: a second HealthChecker probing its own server. Once it
// has probed n times, n - 1 of its intervals have passed on the same timers and event loop as
// the checker under test, so a probe or event that checker still had due has had its turn.
import { HealthChecker } from '../../src/health/health-checker.ts';
import { HOST, healthConfig, startServer, waitFor } from './test-servers.ts';

/** Resolves after a second checker with `intervalMs` has probed its own server `n` times. */
export async function probeRounds(n: number, intervalMs: number): Promise<void> {
  const server = await startServer();
  const clock = new HealthChecker({ config: healthConfig({ type: 'tcp', intervalMs, timeoutMs: 1000 }), onChange: () => {} });
  try {
    clock.setTargets([{ id: 'clock', host: HOST, port: server.port }]);
    await waitFor(() => server.accepted >= n, 5000 + n * intervalMs * 2, `${n} probes of the clock checker`);
  } finally {
    clock.close();
    await server.close();
  }
}
