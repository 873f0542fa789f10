// Live health: a backend's redis-server is killed → its badge turns down and the events feed
// says why; it is started again on the same port → up. Meanwhile a Redis client keeps opening
// new connections through the balancer and not one command fails.
import { backendCell, screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { redisRoundTrip } from '../fixtures/redis-traffic.ts';
import { expect, test } from '../fixtures/test.ts';
import { TrafficLoop } from '../fixtures/traffic-loop.ts';

test('killed backend goes down with a reason, comes back up, and no client command fails', async ({ page, fulcrum, startRedis }, testInfo) => {
  const [redisA, redisB] = await Promise.all([startRedis(), startRedis()]);
  const listenPort = await freePort();
  const created = await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${listenPort}`,
    backends: [{ address: redisA.address }, { address: redisB.address }],
  });
  const service = await fulcrum.api.patchService(created.id, { healthCheck: { type: 'redis', intervalMs: 500, timeoutMs: 400, fall: 2, rise: 1 } });
  expect(service.healthCheck).toMatchObject({ type: 'redis', intervalMs: 500, fall: 2, rise: 1 });

  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await expect(backendCell(page, redisA.address, 'health')).toHaveText('up');
  await expect(backendCell(page, redisB.address, 'health')).toHaveText('up');
  await expect(page.getByText('redis every 500 ms · rise 1 · fall 2')).toBeVisible();

  // Each operation: a new client connection through the balancer, SET, GET, QUIT.
  const loop = new TrafficLoop((op) => redisRoundTrip(listenPort, `hl-${op}`), { minOps: 300, maxOps: 3000, maxMs: 90_000, paceMs: 10 });
  loop.start('both up');
  try {
    await expect.poll(() => loop.count('both up'), { timeout: 30_000 }).toBeGreaterThanOrEqual(30);
    // Round robin really spread the writes over both servers.
    expect(await redisA.dbSize()).toBeGreaterThan(0);
    expect(await redisB.dbSize()).toBeGreaterThan(0);

    await test.step('kill the redis-server behind one backend', async () => {
      await loop.between('A killed', () => redisA.kill());
      const health = backendCell(page, redisA.address, 'health');
      await expect(health).toHaveText('down');
      await expect(health).toHaveAttribute('data-health', 'down');
      await expect(backendCell(page, redisB.address, 'health')).toHaveText('up');
      await expect(page.getByTestId('service-up')).toContainText('1/2');
      const why = page.getByTestId('events-feed').getByTestId('event').filter({ hasText: `backend ${redisA.address} of "cache" is down` });
      await expect(why.first()).toHaveAttribute('data-kind', 'backend-health');
      await expect(why.first().getByTestId('event-message')).toHaveText(/is down \((fall: 2|passive: \d+) × connect refused\)/);
      await expect(why.first().getByTestId('event-actor')).toHaveText('engine');
      await loop.between('A down');
      await expect.poll(() => loop.count('A down'), { timeout: 30_000 }).toBeGreaterThanOrEqual(30);
      // With the down reason widening the health column, every row action is still in view at
      // this width (1360 px): the table does not need its sideways scroll.
      const wrap = page.locator('.backends-table-wrap');
      expect(await wrap.evaluate((el) => el.scrollWidth - el.clientWidth)).toBe(0);
      await expect(page.getByRole('button', { name: `Remove ${redisA.address}` })).toBeInViewport({ ratio: 1 });
      await screenshot(page, testInfo, 'health-backend-down');
    });

    await test.step('start it again on the same port', async () => {
      await loop.between('A restarted', () => redisA.start());
      expect(await redisA.dbSize()).toBe(0); // a fresh process: any key from now on came through the balancer
      await expect(backendCell(page, redisA.address, 'health')).toHaveText('up');
      await expect(page.getByTestId('service-up')).toContainText('2/2');
      const back = page.getByTestId('events-feed').getByTestId('event').filter({ hasText: `backend ${redisA.address} of "cache" is up` });
      await expect(back.first()).toHaveAttribute('data-kind', 'backend-health');
      await loop.between('A up again');
      await expect.poll(() => redisA.dbSize(), { timeout: 30_000, message: 'new connections reach the restarted backend' }).toBeGreaterThan(0);
      await expect.poll(() => loop.count('A up again'), { timeout: 30_000 }).toBeGreaterThanOrEqual(20);
      await screenshot(page, testInfo, 'health-backend-up-again');
    });
  } finally {
    await loop.stop();
  }

  expect(loop.failures, 'failed client commands').toEqual([]);
  expect(loop.completed).toBeGreaterThanOrEqual(300);
  const a = await fulcrum.api.backendStats(service.id, redisA.address);
  expect(a?.health).toBe('up');
  testInfo.annotations.push({ type: 'commands per phase', description: JSON.stringify(loop.perPhase) });
});
