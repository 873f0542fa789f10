// `fulcrum --workers 2`: limits are applied in each worker with its own buckets and client table
// (per process, not divided: README "How much one client may take"), and the clients they refuse
// add up in the merged stats; the backend never sees a refused client.
import { expect, it } from 'vitest';
import { eventually, servedFrom } from '../helpers.ts';
import type { TcpServer } from '../helpers.ts';
import { createService, shareWorkersWithEcho } from './harness.ts';
import type { Fulcrum } from './harness.ts';

let f: Fulcrum;
let echo: TcpServer;

shareWorkersWithEcho((started) => ({ f, echo } = started));

it('each worker has its own serviceRate bucket; refusals appear in the merged stats', async () => {
  // An hour-long interval: no token comes back during the test, so each worker serves at most 3.
  const { service, port } = await createService(f, [echo.port], { limits: { serviceRate: { connections: 3, intervalMs: 3_600_000 } } });
  const N = 20;
  let served = 0;
  for (let i = 0; i < N; i++) if (await servedFrom(port, `127.0.1.${i + 1}`)) served++;
  // At least one worker's burst, at most both workers' (whichever worker the kernel hands each client to).
  expect(served).toBeGreaterThanOrEqual(3);
  expect(served).toBeLessThanOrEqual(6);
  expect(echo.accepted).toBe(served);
  const s = await eventually(async () => {
    const now = (await f.stats()).services.find((x) => x.id === service.id);
    return now?.rejectedByReason.serviceRate === N - served && now.total === served ? now : undefined;
  }, 20_000);
  expect(s.rejected).toBe(0);
  expect(s.rejectedByReason.denied).toBe(0);
});
