// Traffic moves to a new backend: clients keep opening long-lived connections to a service
// with one backend; a second one is added in the console and the table and the chart show the
// new connections landing there (least-connections sends them all to the empty backend).
import { latestStackedValues, seriesNames } from '../fixtures/chart-reading.ts';
import { addBackend, backendCell, screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';
import { TrafficLoop } from '../fixtures/traffic-loop.ts';

test('new connections move to a backend added while clients keep connecting', async ({ page, fulcrum, startRedis, redisClients }, testInfo) => {
  const [redisA, redisB] = await Promise.all([startRedis(), startRedis()]);
  const listenPort = await freePort();
  await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${listenPort}`,
    strategy: 'least-connections',
    healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 },
    backends: [{ address: redisA.address }],
  });
  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await expect(backendCell(page, redisA.address, 'health')).toHaveText('up');

  // Each operation opens one more long-lived, named connection through the balancer. After the
  // add, only while B has fewer than A (counted on the servers): once B caught up, least-
  // connections would rightly alternate again, and that is not what this spec is about.
  const clients = redisClients();
  const openedIn: Record<string, string[]> = {};
  const loop = new TrafficLoop(
    async (op) => {
      const phase = loop.phase;
      if (phase === 'two backends') {
        const [onA, onB] = await Promise.all([redisA.countClients('tm'), redisB.countClients('tm')]);
        if (onB >= onA) return;
      }
      const [name] = await clients.open(listenPort, `tm${op}-`, 1);
      (openedIn[phase] ??= []).push(name!);
    },
    { minOps: 24, maxOps: 40, maxMs: 60_000, paceMs: 150 },
  );
  loop.start('one backend');
  try {
    await expect.poll(() => loop.count('one backend'), { timeout: 30_000 }).toBeGreaterThanOrEqual(12);
    const chart = page.getByTestId('active-chart');
    await expect.poll(() => seriesNames(chart)).toEqual([redisA.address]);

    // A barrier (no connection being opened), so 'one backend' connections predate the add.
    await loop.between('adding', async () => {});
    await addBackend(page, redisB.address);
    // Until its first health check passes (≤ 500 ms) the new backend is `unknown` and not picked;
    // connections opened in that window rightly go to A, so they are not counted as "after".
    await expect(backendCell(page, redisB.address, 'health')).toHaveText('up');
    await loop.between('two backends');
    await expect.poll(() => seriesNames(chart), { timeout: 15_000 }).toEqual([redisA.address, redisB.address]);
    await expect.poll(() => seriesNames(page.getByTestId('new-connections-chart'))).toContain(redisB.address);
    await expect(backendCell(page, redisB.address, 'health')).toHaveText('up');
    await expect.poll(() => loop.count('two backends'), { timeout: 30_000 }).toBeGreaterThanOrEqual(6);
  } finally {
    await loop.stop();
  }
  expect(loop.failures).toEqual([]);

  const atA = await redisA.countClients('tm');
  const atB = await redisB.countClients('tm');
  expect(atA + atB).toBe(clients.size);
  // Every connection opened after the add landed on the new backend (it had the fewest).
  const namesAtB = new Set(await redisB.clientNames());
  const after = openedIn['two backends'] ?? [];
  expect(after.length).toBeGreaterThanOrEqual(6);
  expect(after.filter((name) => !namesAtB.has(name))).toEqual([]);
  expect((openedIn['one backend'] ?? []).filter((name) => namesAtB.has(name))).toEqual([]);

  // The console shows exactly that split, in the table and at the newest point of the chart.
  await expect(backendCell(page, redisA.address, 'active')).toHaveText(String(atA));
  await expect(backendCell(page, redisB.address, 'active')).toHaveText(String(atB));
  await expect
    .poll(() => latestStackedValues(page.getByTestId('active-chart')), { timeout: 15_000 })
    .toEqual({ [redisA.address]: atA, [redisB.address]: atB });
  await screenshot(page, testInfo, 'traffic-moved');
});
