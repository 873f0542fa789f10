// Issue 17, accessibility: axe-core on every main view of the console, in the dark and the light
// theme (prefers-color-scheme emulated), with zero serious or critical violations. The views:
// sign-in, overview, a service with backends (one of them down), its connection list and live
// charts with a tooltip open, the cluster view, the events view, the service form dialog and a confirm dialog.
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { redisRoundTrip } from '../fixtures/redis-traffic.ts';
import { screenshot, selectService, signInHere } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';
import { TrafficLoop } from '../fixtures/traffic-loop.ts';

/** Nothing listens on port 1 of loopback: a backend there is down. */
const DEAD = '127.0.0.1:1';

interface Finding {
  view: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Runs axe on the page as it is; returns its serious and critical violations, labelled with `view`. */
async function axe(page: Page, testInfo: TestInfo, view: string): Promise<Finding[]> {
  const result = await new AxeBuilder({ page }).analyze();
  await testInfo.attach(`axe ${view}`, { body: JSON.stringify(result.violations, null, 2), contentType: 'application/json' });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ view, id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 8) }));
}

const SCHEMES = ['dark', 'light'] as const;

test('axe finds no serious or critical violation on any main view, in the dark and the light theme', async ({ page, fulcrum, startRedis, redisClients }, testInfo) => {
  // Seven views, each checked twice: axe takes seconds per run on a busy 2-core machine.
  test.setTimeout(300_000);
  const [redisA, redisB] = await Promise.all([startRedis(), startRedis()]);
  const port = await freePort();
  await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${port}`,
    healthCheck: { type: 'tcp', intervalMs: 500, rise: 1, fall: 1 },
    backends: [{ address: redisA.address }, { address: redisB.address }, { address: DEAD }],
  });
  // Enough distinct events that the events lists scroll (a scrollable region must be reachable
  // by keyboard): one backend-added per backend, each its own row (different backends do not collapse).
  const bulk = await fulcrum.api.createService({ name: 'bulk', listen: `127.0.0.1:${await freePort()}`, healthCheck: { type: 'none' } });
  for (let i = 1; i <= 14; i++) await fulcrum.api.addBackend(bulk.id, { address: `127.0.0.2:${i}` });
  const findings: Finding[] = [];
  /** Checks the view as it is in both themes: the system's scheme changes, the console follows it live. */
  const check = async (view: string) => {
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
      findings.push(...(await axe(page, testInfo, `${view} (${scheme})`)));
      await screenshot(page, testInfo, `a11y-${scheme}-${view}`);
    }
  };

  await page.goto(fulcrum.url);
  await expect(page.getByLabel('Admin token')).toBeVisible();
  await check('sign-in');

  await signInHere(page, fulcrum.token);
  await expect(page.getByTestId('services-overview')).toBeVisible();
  await expect(page.getByTestId('overview-row-cache')).toHaveAttribute('data-health', 'degraded');
  const feed = page.getByTestId('events-feed');
  expect(await feed.evaluate((el) => el.scrollHeight > el.clientHeight), 'the events feed scrolls').toBe(true);
  await check('overview');

  // Two long-lived connections, so the service view's connection list has rows.
  await redisClients().open(port, 'a11y-held-', 2);
  const loop = new TrafficLoop((op) => redisRoundTrip(port, `a11y-${op}`), { minOps: 5, maxOps: 4000, maxMs: 120_000, paceMs: 25 });
  loop.start('load');
  try {
    await selectService(page, 'cache');
    await expect(page.getByTestId(`backend-row-${DEAD}`).getByTestId('health')).toHaveText('down');
    await expect(page.getByTestId('connections-table').getByTestId('connection-row').first()).toBeVisible();
    const chart = page.getByTestId('new-connections-chart');
    await expect(chart.locator('.recharts-area').first()).toBeVisible();
    // A real pointer over the plot opens the tooltip; the points are at the right edge (the
    // console has been open for seconds of the five minutes shown).
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.locator('.recharts-wrapper').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.5);
    await page.mouse.move(box.x + box.width * 0.985, box.y + box.height * 0.5, { steps: 5 });
    await expect(page.locator('.chart-tooltip').first()).toBeVisible();
    await check('service');
  } finally {
    await loop.stop();
  }
  expect(loop.failures).toEqual([]);

  await page.getByRole('button', { name: 'Edit service' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await check('service-form');
  // The review step: the diff of an edit before it is applied (nothing is sent by looking at it).
  await page.getByRole('dialog').getByLabel('Connect retries').fill('4');
  await page.getByRole('dialog').getByRole('button', { name: /Save service/ }).click();
  await expect(page.getByRole('dialog').getByTestId('diff-row')).toHaveCount(1);
  await check('service-form-review');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();

  await page.getByRole('button', { name: `Remove ${DEAD}` }).click();
  await expect(page.getByRole('dialog')).toContainText(DEAD);
  await check('confirm-dialog');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();

  await page.getByTestId('cluster-status').click();
  await expect(page.getByTestId('cluster-view')).toBeVisible();
  await check('cluster');

  await page.getByTestId('events-link').click();
  await expect(page.getByTestId('events-view')).toBeVisible();
  await expect(page.getByTestId('events-results').getByTestId('event').first()).toBeVisible();
  expect(await page.getByTestId('events-results').evaluate((el) => el.scrollHeight > el.clientHeight), 'the events view scrolls').toBe(true);
  await check('events');

  expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);
});
