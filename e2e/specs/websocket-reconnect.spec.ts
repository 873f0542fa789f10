// The live WebSocket going away and coming back: the disconnected banner appears, the numbers
// are marked stale, and after recovery the banner is gone and the same configuration is shown.
import type { Page } from '@playwright/test';
import { backendCell, backendRow, screenshot, signIn, signInHere } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

async function expectConnected(page: Page): Promise<void> {
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toHaveAttribute('data-state', 'up', { timeout: 45_000 });
  await expect(banner).toBeEmpty();
  await expect(banner).toBeHidden();
  await expect(page.getByTestId('live-indicator')).toHaveText('Live');
  await expect(page.locator('.layout')).toHaveAttribute('data-stale', 'false');
}

async function expectDisconnected(page: Page): Promise<void> {
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toHaveAttribute('data-state', 'down', { timeout: 30_000 });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(/Disconnected — reconnecting/, { timeout: 30_000 });
  await expect(page.getByTestId('live-indicator')).toHaveText(/Reconnecting|Connecting/);
  await expect(page.locator('.layout')).toHaveAttribute('data-stale', 'true');
}

test('fulcrum restart: banner while down, gone after recovery, same configuration', async ({ page, fulcrum, startRedis }, testInfo) => {
  const redis = await startRedis();
  const listen = `127.0.0.1:${await freePort()}`;
  await fulcrum.api.createService({
    name: 'cache',
    listen,
    strategy: 'power-of-two',
    healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 },
    backends: [{ address: redis.address, weight: 3 }],
  });

  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await expectConnected(page);
  await expect(backendCell(page, redis.address, 'health')).toHaveText('up');

  expect(await fulcrum.stop('SIGTERM')).toBe(0);
  await expectDisconnected(page);
  await screenshot(page, testInfo, 'websocket-disconnected');

  await fulcrum.start();
  // Sessions are held in memory by the admin, so after a restart the console may have to sign
  // in again (and says so); it must not stay stuck on the banner either way.
  const loginOrLive = page.getByLabel('Admin token').or(page.getByTestId('live-indicator').filter({ hasText: /^Live$/ }));
  await expect(loginOrLive).toBeVisible({ timeout: 45_000 });
  if (await page.getByLabel('Admin token').isVisible()) {
    await expect(page.getByRole('status').filter({ hasText: 'Your session ended' })).toBeVisible();
    await signInHere(page, fulcrum.token);
  }
  await expectConnected(page);
  await expect(page.locator('#service-title')).toHaveText('cache');
  await expect(page.getByTestId('service-listen')).toHaveText(listen);
  await expect(page.getByTestId('strategy-select')).toHaveValue('power-of-two');
  await expect(backendRow(page, redis.address).getByTestId('weight-edit')).toHaveText('3');
  await expect(backendCell(page, redis.address, 'health')).toHaveText('up');
  await screenshot(page, testInfo, 'websocket-recovered');
});

test('stalled admin: banner after silence, then it clears by itself without signing in again', async ({ page, fulcrum, startRedis, redisClients }, testInfo) => {
  const redis = await startRedis();
  const listenPort = await freePort();
  await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${listenPort}`,
    healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 },
    backends: [{ address: redis.address }],
  });
  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await expectConnected(page);

  // SIGSTOP: the TCP connection stays open but nothing arrives — the console must notice the
  // silence on its own, drop the socket and keep retrying.
  fulcrum.freeze();
  try {
    await expect(page.getByTestId('connection-banner')).toContainText(/No live data|Disconnected/, { timeout: 15_000 });
    await expectDisconnected(page);
    await screenshot(page, testInfo, 'websocket-stalled');
  } finally {
    fulcrum.thaw();
  }

  await expectConnected(page);
  await expect(page.getByLabel('Admin token')).toHaveCount(0);
  await expect(page.locator('#service-title')).toHaveText('cache');
  // Live numbers flow again.
  const clients = redisClients();
  await clients.open(listenPort, 'ws-', 2);
  await expect(backendCell(page, redis.address, 'active')).toHaveText('2');
});
