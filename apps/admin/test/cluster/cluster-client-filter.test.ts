// `fulcrum --workers 2`: allow/deny are applied in the workers, and the clients they refuse add
// up in the merged stats; the backend never sees a refused client.
import { expect, it } from 'vitest';
import { eventually, servedFrom } from '../helpers.ts';
import type { TcpServer } from '../helpers.ts';
import { createService, shareWorkersWithEcho } from './harness.ts';
import type { Fulcrum } from './harness.ts';

let f: Fulcrum;
let echo: TcpServer;

shareWorkersWithEcho((started) => ({ f, echo } = started));

it('the workers apply the lists; refusals appear in the merged stats', async () => {
  const { service, port } = await createService(f, [echo.port], { allow: ['127.0.0.0/30'], deny: ['127.0.0.3'] });
  const N = 20;
  for (let i = 0; i < N; i++) {
    expect(await servedFrom(port, '127.0.0.2')).toBe(true);
    expect(await servedFrom(port, i % 2 === 0 ? '127.0.0.3' : '127.0.0.77')).toBe(false);
  }
  expect(echo.accepted).toBe(N);
  const s = await eventually(async () => {
    const now = (await f.stats()).services.find((x) => x.id === service.id);
    return now?.rejectedByReason.denied === N && now.total === N ? now : undefined;
  }, 20_000);
  expect(s.rejected).toBe(0);
});
