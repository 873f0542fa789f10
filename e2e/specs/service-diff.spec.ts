// Diff before apply: editing a service shows what will change against the running configuration
// (field by field, nested settings as paths) and sends nothing until the operator applies it;
// an edit that changes nothing cannot be saved.
import { screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

test('a service edit shows its diff and warnings first, and applies it with If-Match on confirm', async ({ page, fulcrum, startRedis }, testInfo) => {
  const redis = await startRedis();
  const service = await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${await freePort()}`,
    healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 },
    backends: [{ address: redis.address }],
  });
  const changes: { method: string; ifMatch: string | undefined }[] = [];
  page.on('request', (request) => {
    if (request.method() !== 'GET' && request.url().includes('/api/services')) changes.push({ method: request.method(), ifMatch: request.headers()['if-match'] });
  });
  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await page.getByRole('button', { name: 'Edit service' }).click();
  const dialog = page.getByRole('dialog');
  const save = dialog.getByRole('button', { name: /Save service/ });

  await test.step('an unchanged form says so and cannot be saved', async () => {
    await expect(dialog.getByTestId('service-form-unchanged')).toHaveText('No changes');
    await expect(save).toBeDisabled();
    // Non-blocking warnings: created without an idle timeout.
    await expect(dialog.getByTestId('service-form-warnings').locator('[data-code="NO_IDLE_TIMEOUT"]')).toBeVisible();
  });

  await test.step('Save shows the changed fields only, old → new, and sends nothing', async () => {
    await dialog.getByLabel('Idle timeout (ms)').fill('60000');
    await dialog.getByLabel('Interval (ms)').fill('1000');
    await dialog.getByLabel('Connect retries').fill('2'); // the value it already has: no row
    await expect(dialog.getByTestId('service-form-unchanged')).toHaveCount(0);
    await expect(dialog.locator('[data-code="NO_IDLE_TIMEOUT"]')).toHaveCount(0);
    await save.click();
    const rows = dialog.getByTestId('diff-row');
    await expect(rows).toHaveCount(2);
    await expect(dialog.locator('[data-path="idleTimeoutMs"]')).toContainText(/idleTimeoutMs\s*0\s*→\s*60000/);
    await expect(dialog.locator('[data-path="healthCheck.intervalMs"]')).toContainText(/healthCheck\.intervalMs\s*500\s*→\s*1000/);
    // The review repeats the form's warnings for the values applied: with an idle timeout, none.
    await expect(dialog.getByTestId('service-review-warnings')).toHaveCount(0);
    await screenshot(page, testInfo, 'service-diff-review');
    await page.evaluate(() => 0);
    expect(changes).toEqual([]);
  });

  await test.step('Back to edit keeps the typed values; Apply sends them with If-Match', async () => {
    await dialog.getByRole('button', { name: 'Back to edit' }).click();
    await expect(dialog.getByLabel('Idle timeout (ms)')).toHaveValue('60000');
    await save.click();
    await dialog.getByRole('button', { name: 'Apply changes' }).click();
    await expect(dialog).toBeHidden();
    const saved = await fulcrum.api.serviceNamed('cache');
    expect(saved.idleTimeoutMs).toBe(60000);
    expect(saved.healthCheck.intervalMs).toBe(1000);
    expect(changes).toEqual([{ method: 'PATCH', ifMatch: `"${service.version}"` }]);
  });

  await test.step('slow start, close-on-down and the consistent-hash load bound are edited in the form', async () => {
    await page.getByRole('button', { name: 'Edit service' }).click();
    await dialog.getByLabel('Strategy').selectOption('consistent-hash');
    await dialog.getByLabel('Load bound (× average)').fill('2');
    await dialog.getByLabel('Slow start (ms)').fill('30000');
    await dialog.getByLabel('Close its established connections when it goes down').check();
    await dialog.getByLabel('Idle timeout (ms)').fill('0');
    await save.click();
    // The review step shows the warning the form showed, for the change being confirmed.
    await expect(dialog.locator('[data-path="idleTimeoutMs"]')).toContainText(/60000\s*→\s*0/);
    await expect(dialog.getByTestId('service-review-warnings').locator('[data-code="NO_IDLE_TIMEOUT"]')).toContainText('No idle timeout');
    await expect(dialog.locator('[data-path="strategyOptions.boundedLoadFactor"]')).toContainText(/off\s*→\s*2/);
    await expect(dialog.locator('[data-path="healthCheck.slowStartMs"]')).toContainText(/0\s*→\s*30000/);
    await expect(dialog.locator('[data-path="healthCheck.closeOnDown"]')).toContainText(/false\s*→\s*true/);
    await screenshot(page, testInfo, 'service-diff-more-settings');
    await dialog.getByRole('button', { name: 'Apply changes' }).click();
    await expect(dialog).toBeHidden();
    const saved = await fulcrum.api.serviceNamed('cache');
    expect(saved.strategy).toBe('consistent-hash');
    expect(saved.strategyOptions).toEqual({ boundedLoadFactor: 2 });
    expect(saved.healthCheck).toMatchObject({ slowStartMs: 30000, closeOnDown: true });
    expect(saved.idleTimeoutMs).toBe(0);
  });
});
