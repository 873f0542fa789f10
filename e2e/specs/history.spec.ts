// Metric history: after some traffic the 5-minute range shows it from the admin's store; it is
// still there after a page reload and after an admin restart (with a gap for the downtime); a
// config change is a mark on the charts, and clicking it (or Enter on it) shows the event.
// The admin runs with 250 ms buckets (FULCRUM_HISTORY_BUCKET_MS, test-only) so points land fast.
import { curvePieces, seriesNames } from '../fixtures/chart-reading.ts';
import { screenshot, selectService, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { FulcrumProcess } from '../fixtures/fulcrum-process.ts';
import { redisRoundTrip } from '../fixtures/redis-traffic.ts';
import { expect, test } from '../fixtures/test.ts';
import { TrafficLoop } from '../fixtures/traffic-loop.ts';
import { waitUntil } from '../fixtures/wait-until.ts';

test('history survives a reload and an admin restart, and marks a config change that opens on click', async ({ page, startRedis }, testInfo) => {
  const fulcrum = await FulcrumProcess.start([], { FULCRUM_HISTORY_BUCKET_MS: '250' });
  try {
    const redis = await startRedis();
    const listenPort = await freePort();
    const service = await fulcrum.api.createService({
      name: 'cache',
      listen: `127.0.0.1:${listenPort}`,
      healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 },
      backends: [{ address: redis.address }],
    });
    const traffic = async (label: string) => {
      const loop = new TrafficLoop((op) => redisRoundTrip(listenPort, `${label}-${op}`), { minOps: 40, maxOps: 40, maxMs: 20_000, paceMs: 10 });
      loop.start(label);
      await loop.stop();
      expect(loop.failures).toEqual([]);
    };
    await signIn(page, fulcrum.url, fulcrum.token, 'cache');
    await expect(page.getByTestId(`backend-row-${redis.address}`).getByTestId('health')).toHaveText('up');
    await traffic('before');
    // Wait until the store has the traffic (a finished bucket), not for a fixed time.
    await expect.poll(async () => (await fulcrum.api.history(service.id, '5m')).service.newPerSec.some((v) => (v ?? 0) > 0), { timeout: 20_000 }).toBe(true);
    await fulcrum.api.patchService(service.id, { retries: 1 });
    const [change] = await fulcrum.api.eventsOfKind('service-updated');
    if (!change) throw new Error('the change was not logged');

    const fresh = page.getByTestId('history-new-connections-chart');
    const showFiveMinutes = async () => {
      await page.getByTestId('range-5m').click();
      await expect(page.getByTestId('range-5m')).toHaveAttribute('aria-pressed', 'true');
      await expect(fresh).toBeVisible();
      await expect.poll(() => seriesNames(fresh)).toEqual([redis.address]);
    };

    await test.step('5 minutes: the traffic from the store, the change as a mark', async () => {
      await showFiveMinutes();
      await expect(page.getByTestId('active-chart')).toHaveCount(0); // the live charts give way
      await expect(page.getByTestId('history-active-chart').getByTestId(`mark-${change.id}`)).toBeVisible();
      await screenshot(page, testInfo, 'history-5m');
    });

    await test.step('clicking the mark shows the event; Enter on it closes and reopens it', async () => {
      const mark = page.getByTestId('history-active-chart').getByTestId(`mark-${change.id}`);
      await mark.click();
      const detail = page.getByTestId('mark-detail');
      await expect(detail).toContainText('service-updated');
      await expect(detail).toContainText(change.message);
      await expect(detail).toContainText(`event #${change.id}`);
      await screenshot(page, testInfo, 'history-mark-open');
      await mark.focus();
      await page.keyboard.press('Enter');
      await expect(detail).toHaveCount(0);
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('mark-detail')).toContainText('service-updated');
    });

    await test.step('after a page reload the same history is there', async () => {
      await page.reload();
      await expect(page.getByTestId('live-indicator')).toHaveText('Live', { timeout: 15_000 });
      await selectService(page, 'cache');
      await showFiveMinutes();
      await expect(page.getByTestId('history-active-chart').getByTestId(`mark-${change.id}`)).toBeVisible();
    });

    await test.step('after an admin restart: the earlier points, a gap for the downtime, new points after', async () => {
      await page.getByTestId('range-live').click();
      const { stepMs } = await fulcrum.api.history(service.id, '5m');
      await fulcrum.stop();
      // A slot of the range (stepMs, 1 s here) is null only when no sample at all fell in it: a
      // restart quicker than about two slots can leave none empty, and then no gap is the true
      // answer. So stay down until one whole slot has passed since the old process exited.
      const slotMissed = (Math.floor(Date.now() / stepMs) + 2) * stepMs;
      await waitUntil('one whole history slot to pass while fulcrum is down', () => Date.now() >= slotMissed, { timeoutMs: 3 * stepMs, intervalMs: 20 });
      await fulcrum.start();
      await expect(page.getByTestId('live-indicator')).toHaveText('Live', { timeout: 45_000 });
      await expect(page.getByTestId(`backend-row-${redis.address}`).getByTestId('health')).toHaveText('up');
      const restartedAt = Date.now();
      await traffic('after');
      // The store has a busy slot after the restart before the console loads the range.
      await expect
        .poll(async () => {
          const h = await fulcrum.api.history(service.id, '5m');
          return h.times.some((t, i) => t >= restartedAt && (h.service.newPerSec[i] ?? 0) > 0);
        }, { timeout: 20_000 })
        .toBe(true);
      await showFiveMinutes();
      // The console reloads every 10 s; the line breaks where the admin was down: two pieces.
      await expect.poll(() => curvePieces(page.getByTestId('history-active-chart')), { timeout: 25_000 }).toEqual({ [redis.address]: 2 });
      await expect(page.getByTestId('history-active-chart').getByTestId(`mark-${change.id}`)).toBeVisible();
      await screenshot(page, testInfo, 'history-after-restart');
    });
  } finally {
    await fulcrum.dispose();
  }
});
