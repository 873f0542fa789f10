// Safe changes: choosing a strategy in the drop-down changes nothing until Apply, which says
// what will change; focus stays where the operator works after each save; deleting a service
// needs its name typed first.
import { backendRow, screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

test('a strategy applies only on Apply, focus stays put after saves, and delete needs the name typed', async ({ page, fulcrum, startRedis }, testInfo) => {
  const redis = await startRedis();
  const listenPort = await freePort();
  const service = await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${listenPort}`,
    healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 },
    backends: [{ address: redis.address }],
  });
  // Every change the console sends, so "selecting sends nothing" is checked on the wire.
  const changes: string[] = [];
  page.on('request', (request) => {
    if (request.method() !== 'GET' && request.url().includes('/api/services')) changes.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  const select = page.getByTestId('strategy-select');
  await expect(select).toHaveValue('round-robin');

  await test.step('selecting (by keyboard or pointer) only previews the change', async () => {
    await select.focus();
    await select.press('ArrowDown'); // a keystroke on a focused select changes its value
    await expect(select).not.toHaveValue('round-robin');
    await select.selectOption('least-connections');
    await expect(page.getByTestId('strategy-change')).toContainText('round-robin → least-connections');
    await expect(page.getByTestId('strategy-change')).toContainText('not applied yet');
    await expect(page.getByTestId('strategy-apply')).toBeVisible();
    await screenshot(page, testInfo, 'strategy-pending-apply');
    // The page has handled both events (this round trip comes after them); nothing was sent.
    await page.evaluate(() => 0);
    expect(changes).toEqual([]);
    expect((await fulcrum.api.serviceNamed('cache')).strategy).toBe('round-robin');
  });

  await test.step('"Keep" drops the selection and returns focus to the drop-down', async () => {
    await page.getByRole('button', { name: 'Keep round-robin' }).click();
    await expect(select).toHaveValue('round-robin');
    await expect(page.getByTestId('strategy-change')).toHaveCount(0);
    await expect(select).toBeFocused();
    expect(changes).toEqual([]);
  });

  await test.step('Apply by keyboard commits the change; focus stays on the strategy control', async () => {
    await select.selectOption('least-connections');
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('strategy-apply')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await fulcrum.api.serviceNamed('cache')).strategy).toBe('least-connections');
    await expect(page.getByTestId('strategy-change')).toHaveCount(0);
    await expect(select).toHaveValue('least-connections');
    await expect(select).toBeFocused();
    expect(changes).toEqual([`PATCH /api/services/${service.id}`]);
    await expect(page.getByTestId('event').filter({ hasText: 'least-connections' }).first()).toBeVisible();
  });

  await test.step('saving a weight with Enter keeps focus on that weight', async () => {
    await backendRow(page, redis.address).getByTestId('weight-edit').click();
    const input = page.getByLabel(`Weight of ${redis.address}`);
    await input.fill('5');
    await input.press('Enter');
    await expect(backendRow(page, redis.address).getByTestId('weight-edit')).toHaveText('5');
    await expect(backendRow(page, redis.address).getByTestId('weight-edit')).toBeFocused();
  });

  await test.step('Delete service stays disabled until the name is typed', async () => {
    await page.getByRole('button', { name: 'Delete service' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete', exact: true });
    const name = dialog.getByLabel('Type cache to confirm');
    await expect(name).toBeFocused();
    await expect(confirm).toBeDisabled();
    await name.fill('cach');
    await name.press('Enter');
    await expect(confirm).toBeDisabled();
    await name.fill('cache-other');
    await expect(confirm).toBeDisabled();
    expect((await fulcrum.api.services()).map((s) => s.name)).toEqual(['cache']);
    await name.fill('cache');
    await expect(confirm).toBeEnabled();
    await screenshot(page, testInfo, 'delete-service-typed');
    await confirm.click();
    await expect(dialog).toBeHidden();
    await expect.poll(async () => (await fulcrum.api.services()).length).toBe(0);
    await expect(page.getByTestId('service-item-cache')).toHaveCount(0);
  });
});
