// Dialogs hold still while live data updates behind them. Clients keep connecting, so every
// stats push (~500 ms) changes numbers in the backends table; a configuration push adds a row.
// The open dialog's buttons must keep one position and nothing inside it may change: a flaky
// CI run once waited 15 s for the Remove dialog's button to become "stable" (postgres.spec.ts).
import { createClient } from 'redis';
import { backendCell, backendRow, screenshot, signIn } from '../fixtures/console-page.ts';
import { readStillness, stopWatching, watchDialog } from '../fixtures/dialog-stillness.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';
import { TrafficLoop } from '../fixtures/traffic-loop.ts';

const LIVE_TABLE = '[data-testid="backends-table"]';

test('the remove and delete dialogs hold still while live numbers and the configuration change behind them', async ({ page, fulcrum, startRedis }, testInfo) => {
  const [redisA, redisB] = await Promise.all([startRedis(), startRedis()]);
  const listenPort = await freePort();
  const service = await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${listenPort}`,
    healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 },
    backends: [{ address: redisA.address }, { address: redisB.address }],
  });
  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await expect(backendCell(page, redisA.address, 'health')).toHaveText('up');

  // Short-lived connections: each one moves the Total column and the rates.
  const loop = new TrafficLoop(
    async () => {
      const client = createClient({ socket: { host: '127.0.0.1', port: listenPort, reconnectStrategy: false, connectTimeout: 5000 } });
      await client.connect();
      await client.ping();
      await client.quit();
    },
    { concurrency: 2, minOps: 20, maxOps: 4000, maxMs: 90_000, paceMs: 40 },
  );
  loop.start('load');
  try {
    await expect.poll(() => loop.count('load'), { timeout: 30_000 }).toBeGreaterThanOrEqual(20);

    await test.step('Remove dialog: live numbers change behind it, it does not move', async () => {
      await page.getByRole('button', { name: `Remove ${redisA.address}` }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toBeVisible();
      await watchDialog(page, 'Remove', LIVE_TABLE);
      await expect.poll(async () => (await readStillness(page)).behind, { timeout: 15_000 }).toBeGreaterThanOrEqual(6);
      const seen = await stopWatching(page);
      expect(seen.inside, 'DOM changes inside the open dialog').toEqual([]);
      expect(seen.boxes, 'positions of the Remove button').toHaveLength(1);
      expect(seen.frames).toBeGreaterThan(10);
      await screenshot(page, testInfo, 'remove-dialog-under-load');
      // A short timeout on purpose: a still button is clickable at once.
      await dialog.getByRole('button', { name: 'Remove', exact: true }).click({ timeout: 3000 });
      await expect(dialog).toBeHidden();
      await expect.poll(async () => (await fulcrum.api.serviceNamed('cache')).backends.map((b) => b.address)).toEqual([redisB.address]);
    });

    await test.step('Delete dialog: a configuration push behind it does not rewrite it', async () => {
      await page.getByRole('button', { name: 'Delete service' }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toContainText('its 1 backend is removed');
      await watchDialog(page, 'Cancel', LIVE_TABLE);
      const added = '127.0.0.1:1';
      await fulcrum.api.addBackend(service.id, { address: added });
      await expect(backendRow(page, added)).toBeAttached();
      await expect.poll(async () => (await readStillness(page)).behind, { timeout: 15_000 }).toBeGreaterThanOrEqual(6);
      const seen = await stopWatching(page);
      expect(seen.inside, 'DOM changes inside the open dialog').toEqual([]);
      expect(seen.boxes, 'positions of the Cancel button').toHaveLength(1);
      await expect(dialog).toContainText('its 1 backend is removed');
      await dialog.getByRole('button', { name: 'Cancel' }).click({ timeout: 3000 });
      await expect(dialog).toBeHidden();
    });
  } finally {
    await loop.stop();
  }
  expect(loop.failures).toEqual([]);
});
