// Outlier-detection settings in the console's service form: the failure-rate detector and
// maxEjectionPercent are edited next to the consecutive detector, bad values are refused at the
// field with the admin's own ranges (nothing saved), good ones reach the API.
import { screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

test('service form: failure rate, window, minimum volume and max ejected are validated and saved', async ({ page, fulcrum }, testInfo) => {
  const listen = `127.0.0.1:${await freePort()}`;
  await fulcrum.api.createService({ name: 'cache', listen, healthCheck: { type: 'none' }, backends: [] });
  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await page.getByRole('button', { name: 'Edit service' }).click();
  const dialog = page.getByRole('dialog');
  const rate = dialog.getByLabel('Failure rate (%)');
  const window = dialog.getByLabel('Window', { exact: true });
  const volume = dialog.getByLabel('Minimum volume');
  const cap = dialog.getByLabel('Max ejected (%)');
  // The shared defaults: off, 100, 20, 50.
  await expect(rate).toHaveValue('0');
  await expect(window).toHaveValue('100');
  await expect(volume).toHaveValue('20');
  await expect(cap).toHaveValue('50');

  await test.step('out of range and a window below the minimum volume are refused at the field', async () => {
    await rate.fill('101');
    await cap.fill('-1');
    await window.fill('5');
    await volume.fill('6');
    await dialog.getByRole('button', { name: /Save/ }).click();
    await expect(rate).toHaveAccessibleDescription(/Failure rate must be at most 100/);
    await expect(cap).toHaveAccessibleDescription(/Max ejected must be a whole number/);
    await expect(window).toHaveAccessibleDescription(/Window must not be less than passiveMinVolume \(6\)/);
    await screenshot(page, testInfo, 'outlier-settings-errors');
    const [service] = await fulcrum.api.services();
    expect(service?.healthCheck).toMatchObject({ passiveFailurePercent: 0, passiveWindow: 100, passiveMinVolume: 20, maxEjectionPercent: 50 });
  });

  await test.step('good values are saved', async () => {
    await rate.fill('50');
    await cap.fill('25');
    await window.fill('20');
    await volume.fill('10');
    await dialog.getByRole('button', { name: /Save/ }).click();
    // The review step lists the changes; nothing is sent before Apply.
    await dialog.getByRole('button', { name: 'Apply changes' }).click();
    await expect(dialog).toBeHidden();
    const [service] = await fulcrum.api.services();
    expect(service?.healthCheck).toMatchObject({ type: 'none', passiveFailurePercent: 50, passiveWindow: 20, passiveMinVolume: 10, maxEjectionPercent: 25 });
  });
});
