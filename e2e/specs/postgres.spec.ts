// PostgreSQL behind the balancer: two real postgres servers with the `postgres` health check
// are up in the console; pg clients query through the balancer while the strategy is switched
// and a backend is removed in the console — and not one query fails.
import pg from 'pg';
import { applyStrategy, backendCell, removeBackend, screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { pgConfig } from '../fixtures/postgres-server.ts';
import { expect, test } from '../fixtures/test.ts';
import { TrafficLoop } from '../fixtures/traffic-loop.ts';

test('pg queries through the balancer survive a strategy switch and a backend removal', async ({ page, fulcrum, startPostgres }, testInfo) => {
  const [pgA, pgB] = await Promise.all([startPostgres(), startPostgres()]);
  const listenPort = await freePort();
  const service = await fulcrum.api.createService({
    name: 'pg',
    listen: `127.0.0.1:${listenPort}`,
    drainTimeoutMs: 300_000, // long-lived connections on the removed backend finish on their own
    healthCheck: { type: 'postgres', intervalMs: 500, rise: 1, fall: 2 },
    backends: [{ address: pgA.address }, { address: pgB.address }],
  });

  await signIn(page, fulcrum.url, fulcrum.token, 'pg');
  await expect(backendCell(page, pgA.address, 'health')).toHaveText('up');
  await expect(backendCell(page, pgB.address, 'health')).toHaveText('up');
  await expect(page.getByText('postgres every 500 ms · rise 1 · fall 2')).toBeVisible();
  await screenshot(page, testInfo, 'postgres-both-up');

  // Long-lived connections opened first, one after the other: round robin puts half on each
  // server. They keep querying through the removal (the removed backend drains, it does not cut).
  const asyncErrors: string[] = [];
  // `queue` runs one query at a time per connection (pg clients do not take concurrent queries).
  const persistent: Array<{ client: pg.Client; port: number; queue: Promise<unknown> }> = [];
  const query = async (client: pg.Client, op: number): Promise<number> => {
    const result = await client.query<{ port: number; n: number }>('SELECT inet_server_port() AS port, $1::int AS n, count(*)::int AS c FROM generate_series(1, 200)', [op]);
    const row = result.rows[0];
    if (row?.n !== op) throw new Error(`query ${op} answered ${JSON.stringify(row)}`);
    return row.port;
  };
  const connect = async (label: string): Promise<pg.Client> => {
    const client = new pg.Client(pgConfig(listenPort));
    client.on('error', (error) => asyncErrors.push(`${label}: ${error.message}`));
    await client.connect();
    return client;
  };
  for (let i = 0; i < 4; i++) {
    const client = await connect(`persistent ${i}`);
    persistent.push({ client, port: await query(client, -1 - i), queue: Promise.resolve() });
  }
  const persistentOnA = persistent.filter((p) => p.port === pgA.port).length;
  expect(persistentOnA).toBe(2);

  // Which server answered, per phase: inet_server_port() is the port the backend listens on.
  const servedBy: Record<string, Record<number, number>> = {};
  const persistentServedBy: Record<string, Record<number, number>> = {};
  const tally = (table: typeof servedBy, phase: string, port: number) => {
    const row = (table[phase] ??= {});
    row[port] = (row[port] ?? 0) + 1;
  };

  const loop = new TrafficLoop(
    async (op) => {
      const phase = loop.phase;
      if (op % 2 === 1) {
        const conn = persistent[(op >> 1) % persistent.length]!;
        const run = conn.queue.then(() => query(conn.client, op));
        conn.queue = run.catch(() => {});
        tally(persistentServedBy, phase, await run);
        return;
      }
      const client = await connect(`client ${op}`);
      try {
        tally(servedBy, phase, await query(client, op));
      } finally {
        await client.end();
      }
    },
    { concurrency: 4, minOps: 300, maxOps: 5000, maxMs: 100_000, paceMs: 5 },
  );

  loop.start('round-robin');
  try {
    await expect.poll(() => loop.count('round-robin'), { timeout: 30_000 }).toBeGreaterThanOrEqual(60);

    await test.step('switch the strategy in the console while queries run', async () => {
      await loop.between('switching');
      await applyStrategy(page, 'least-connections');
      await expect.poll(async () => (await fulcrum.api.serviceNamed('pg')).strategy).toBe('least-connections');
      await loop.between('least-connections');
      await expect.poll(() => loop.count('least-connections'), { timeout: 30_000 }).toBeGreaterThanOrEqual(60);
    });

    await test.step('remove a backend in the console while queries run', async () => {
      await loop.between('removing');
      await removeBackend(page, pgA.address);
      await loop.between('A removed');
      const [current] = await fulcrum.api.services();
      expect(current?.backends.map((b) => b.address)).toEqual([pgB.address]);
      // The removed backend drains its two long-lived connections, which keep working.
      const progress = page.getByTestId(`backend-row-${pgA.address}`).getByTestId('drain-progress');
      await expect(backendCell(page, pgA.address, 'state')).toHaveAttribute('data-state', 'removed');
      await expect(progress).toHaveText(`${persistentOnA} connections left`);
      await expect.poll(() => loop.count('A removed'), { timeout: 30_000 }).toBeGreaterThanOrEqual(100);
      await screenshot(page, testInfo, 'postgres-after-removal');
    });
  } finally {
    await loop.stop();
    await Promise.all(persistent.map((p) => p.client.end().catch((error: Error) => asyncErrors.push(`end: ${error.message}`))));
  }
  // Their clients closed, the removed backend finishes draining and leaves the table.
  await expect(page.getByTestId(`backend-row-${pgA.address}`)).toHaveCount(0);
  await expect(page.getByTestId('event').filter({ hasText: `backend ${pgA.address} of "pg" drained` }).first()).toHaveAttribute('data-kind', 'backend-drained');

  expect(loop.failures, 'failed queries').toEqual([]);
  expect(asyncErrors, 'connection errors').toEqual([]);
  // Both servers answered before the removal; only the remaining one afterwards.
  expect(Object.keys(servedBy['round-robin'] ?? {}).map(Number).sort()).toEqual([pgA.port, pgB.port].sort());
  expect(Object.keys(servedBy['A removed'] ?? {}).map(Number)).toEqual([pgB.port]);
  expect(servedBy['A removed']?.[pgB.port]).toBeGreaterThanOrEqual(40);
  expect(persistentServedBy['A removed']?.[pgA.port], 'queries on draining connections').toBeGreaterThan(0);
  const b = await fulcrum.api.backendStats(service.id, pgB.address);
  expect(b?.health).toBe('up');
  testInfo.annotations.push({ type: 'queries per phase and server port', description: JSON.stringify({ servedBy, persistentServedBy }) });
});
