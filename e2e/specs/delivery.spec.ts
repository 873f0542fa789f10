// Delivery: the console's files travel brotli-compressed (precompressed at build), and the
// bundle is split so the first screens load far less than the single 658 KB bundle did:
// the sign-in page needs no console code, the overview no charts (recharts).
import type { Response } from '@playwright/test';
import { selectService, signInHere } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

/** The one JavaScript file of the console before it was split. */
const BEFORE_KB = 658;

interface Loaded {
  path: string;
  encoding: string | undefined;
  raw: number;
  transferred: number;
}

test('assets arrive brotli-compressed; sign-in and overview load without the console or chart chunks', async ({ page, fulcrum, startRedis }, testInfo) => {
  const redis = await startRedis();
  await fulcrum.api.createService({ name: 'cache', listen: `127.0.0.1:${await freePort()}`, healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 }, backends: [{ address: redis.address }] });

  const loaded: Loaded[] = [];
  const pending: Promise<void>[] = [];
  page.on('response', (response: Response) => {
    const path = new URL(response.url()).pathname;
    if (!/\.(js|css)$/.test(path)) return;
    pending.push(
      (async () => {
        const [body, sizes] = await Promise.all([response.body(), response.request().sizes()]);
        loaded.push({ path, encoding: (await response.allHeaders())['content-encoding'], raw: body.length, transferred: sizes.responseBodySize });
      })(),
    );
  });
  const settle = async () => {
    await Promise.all(pending.splice(0));
  };
  const kb = (items: Loaded[], field: 'raw' | 'transferred') => Math.round(items.reduce((sum, l) => sum + l[field], 0) / 1024);

  await page.goto(fulcrum.url);
  await expect(page.getByLabel('Admin token')).toBeVisible();
  await page.waitForLoadState('networkidle');
  await settle();
  const signInScreen = [...loaded];
  expect(signInScreen.some((l) => l.path.includes('console-page'))).toBe(false);

  await signInHere(page, fulcrum.token);
  await expect(page.getByTestId('services-overview')).toBeVisible();
  await page.waitForLoadState('networkidle');
  await settle();
  const overviewScreen = [...loaded];
  expect(overviewScreen.some((l) => l.path.includes('console-page'))).toBe(true);
  expect(overviewScreen.some((l) => l.path.includes('charts-panel')), 'charts chunk before any chart is shown').toBe(false);

  await selectService(page, 'cache');
  await expect(page.getByTestId('active-chart')).toBeVisible();
  await settle();
  expect(loaded.some((l) => l.path.includes('charts-panel'))).toBe(true);

  // Every JavaScript and CSS file came compressed (Chromium accepts br).
  expect(loaded.filter((l) => l.encoding !== 'br').map((l) => l.path)).toEqual([]);
  const report = {
    signIn: { rawKB: kb(signInScreen, 'raw'), transferredKB: kb(signInScreen, 'transferred') },
    overview: { rawKB: kb(overviewScreen, 'raw'), transferredKB: kb(overviewScreen, 'transferred') },
    withCharts: { rawKB: kb(loaded, 'raw'), transferredKB: kb(loaded, 'transferred') },
  };
  testInfo.annotations.push({ type: 'first-screen sizes (KB)', description: JSON.stringify(report) });
  console.log('delivery sizes (KB):', JSON.stringify(report));
  expect(report.signIn.rawKB).toBeLessThan(BEFORE_KB / 2);
  // What the network carries for a signed-in operator's first screen.
  expect(report.overview.transferredKB).toBeLessThan(BEFORE_KB / 5);
});
