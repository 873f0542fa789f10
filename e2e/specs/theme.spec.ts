// Issue 17, themes: the console follows prefers-color-scheme (live), the header's switch picks
// system, light or dark and the choice survives a reload (localStorage), and the charts draw in the
// theme's colours and series palette. Screenshots of both themes are kept as artifacts.
import type { Page } from '@playwright/test';
import { redisRoundTrip } from '../fixtures/redis-traffic.ts';
import { screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';
import { TrafficLoop } from '../fixtures/traffic-loop.ts';

/** The first series' colour in the light and the dark palette (apps/dashboard/src/lib/colors.ts). */
const FIRST_SERIES = { light: '#0072B2', dark: '#56B4E9' };
/** --bg of each theme (tokens.css), as the browser reports it. */
const BACKGROUND = { light: 'rgb(243, 245, 248)', dark: 'rgb(11, 16, 23)' };

const html = (page: Page) => page.locator('html');
/** The remembered choice (the spec compiles without the DOM library, hence the string). */
const stored = (page: Page) => page.evaluate("localStorage.getItem('fulcrum.theme')");

test('light and dark theme: follows the system, the switch overrides it and is remembered, charts follow', async ({ page, fulcrum, startRedis }, testInfo) => {
  const redis = await startRedis();
  const port = await freePort();
  await fulcrum.api.createService({ name: 'cache', listen: `127.0.0.1:${port}`, healthCheck: { type: 'tcp', intervalMs: 500, rise: 1, fall: 1 }, backends: [{ address: redis.address }] });
  const loop = new TrafficLoop((op) => redisRoundTrip(port, `theme-${op}`), { minOps: 5, maxOps: 3000, maxMs: 90_000, paceMs: 25 });
  const switchButton = (name: string) => page.getByTestId('theme-switch').getByRole('button', { name });
  const firstArea = page.getByTestId('active-chart').locator('.recharts-area-curve').first();

  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  loop.start('load');
  try {
    await test.step('the system says light: light theme, light palette in the charts', async () => {
      await expect(html(page)).toHaveAttribute('data-theme', 'light');
      await expect(switchButton('System')).toHaveAttribute('aria-pressed', 'true');
      await expect(page.locator('body')).toHaveCSS('background-color', BACKGROUND.light);
      await expect(firstArea).toHaveAttribute('stroke', FIRST_SERIES.light);
      await expect(page.getByTestId('backend-row-' + redis.address).getByTestId('active')).toHaveText(/^[01]$/);
      await screenshot(page, testInfo, 'theme-light');
    });

    await test.step('the system turns dark: the console follows at once', async () => {
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect(html(page)).toHaveAttribute('data-theme', 'dark');
      await expect(page.locator('body')).toHaveCSS('background-color', BACKGROUND.dark);
      await expect(firstArea).toHaveAttribute('stroke', FIRST_SERIES.dark);
      await screenshot(page, testInfo, 'theme-dark');
    });

    await test.step('Light in the switch overrides the system and survives a reload', async () => {
      await switchButton('Light').click();
      await expect(switchButton('Light')).toHaveAttribute('aria-pressed', 'true');
      await expect(html(page)).toHaveAttribute('data-theme', 'light');
      expect(await stored(page)).toBe('light');
      await page.reload();
      await expect(page.locator('#service-title')).toHaveText('cache');
      await expect(html(page)).toHaveAttribute('data-theme', 'light');
      await expect(switchButton('Light')).toHaveAttribute('aria-pressed', 'true');
      await expect(firstArea).toHaveAttribute('stroke', FIRST_SERIES.light);
    });

    await test.step('System again: the choice is forgotten and the system (dark) rules', async () => {
      await switchButton('System').click();
      await expect(html(page)).toHaveAttribute('data-theme', 'dark');
      expect(await stored(page)).toBeNull();
      await switchButton('Dark').click();
      await page.emulateMedia({ colorScheme: 'light' });
      await expect(html(page)).toHaveAttribute('data-theme', 'dark');
    });
  } finally {
    await loop.stop();
  }
  expect(loop.failures).toEqual([]);

  await test.step('the sign-in page follows the remembered choice too', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page.getByLabel('Admin token')).toBeVisible();
    await expect(html(page)).toHaveAttribute('data-theme', 'dark');
  });
});
