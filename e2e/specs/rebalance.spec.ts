// The Rebalance dialog (README "Connection lifetime and rebalance"): the window is checked at the
// field (Rebalance stays disabled on a value out of range), Cancel ends nothing, and Rebalance
// ends the backend's connections gracefully over the window — counted on the redis-server
// itself — and says how many.
import { backendRow, screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

test('rebalance: the window is checked, Cancel ends nothing, Rebalance ends the backend connections', async ({ page, fulcrum, startRedis, redisClients }, testInfo) => {
  const redis = await startRedis();
  const port = await freePort();
  await fulcrum.api.createService({ name: 'cache', listen: `127.0.0.1:${port}`, healthCheck: { type: 'none' }, backends: [{ address: redis.address }] });
  await redisClients().open(port, 'rebalance-', 2);
  await expect.poll(() => redis.countClients('rebalance-')).toBe(2);
  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await expect(backendRow(page, redis.address)).toBeVisible();

  const dialog = page.getByRole('dialog');
  const confirm = dialog.getByRole('button', { name: 'Rebalance', exact: true });
  const windowField = dialog.getByTestId('rebalance-window');

  await test.step('a window out of range keeps Rebalance disabled; Cancel ends nothing', async () => {
    await page.getByRole('button', { name: `Rebalance ${redis.address}` }).click();
    await expect(dialog).toContainText(`Rebalance ${redis.address}?`);
    await windowField.fill('5');
    await expect(confirm).toBeDisabled();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect(await redis.countClients('rebalance-')).toBe(2);
  });

  await test.step('Rebalance over 500 ms: both connections end, and the console says so', async () => {
    await page.getByRole('button', { name: `Rebalance ${redis.address}` }).click();
    await windowField.fill('500');
    await expect(confirm).toBeEnabled();
    await screenshot(page, testInfo, 'rebalance-dialog');
    await confirm.click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('toasts')).toContainText(`${redis.address}: 2 connections end gracefully over 500 ms`);
    await expect.poll(() => redis.countClients('rebalance-')).toBe(0);
  });
});
