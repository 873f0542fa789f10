// Issue 17, events: the events view filters by kind, service, actor and time, searches the
// messages (GET /api/events?q=, wildcards literal), follows live pushes that match, collapses a
// burst of the same event (×N, expandable), and exports what the filter selects as CSV and JSON,
// downloaded by the browser and read back here.
import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import type { EventDto } from '../../packages/shared/src/api.ts';
import { parseCsv } from '../../apps/dashboard/test/fixtures/csv-reader.ts';
import { AdminApi } from '../fixtures/admin-api.ts';
import { screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

async function downloaded(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), page.getByTestId(button).click()])) as [Download, void];
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

test('events view: filters, search, bursts, live pushes and CSV/JSON export of the filter', async ({ page, fulcrum, startRedis }, testInfo) => {
  const redis = await startRedis();
  const [cachePort, webPort] = await Promise.all([freePort(), freePort()]);
  const cache = await fulcrum.api.createService({ name: 'cache', listen: `127.0.0.1:${cachePort}`, healthCheck: { type: 'none' }, backends: [{ address: redis.address }] });
  const web = await fulcrum.api.createService({ name: 'web', listen: `127.0.0.1:${webPort}`, healthCheck: { type: 'none' } });
  // A second operator, so there is an actor to filter by.
  const ops = new AdminApi(fulcrum.url, (await fulcrum.api.createToken('ops')).token);
  await ops.patchService(web.id, { retries: 3 });
  // A burst: ten weight changes of one backend within seconds.
  const backendId = cache.backends[0]!.id;
  for (let weight = 2; weight <= 11; weight++) await fulcrum.api.patchBackend(cache.id, backendId, { weight });

  await signIn(page, fulcrum.url, fulcrum.token);
  await page.getByTestId('events-link').click();
  const view = page.getByTestId('events-view');
  await expect(view).toBeVisible();
  await expect(page).toHaveURL(/#events$/);
  await expect(page).toHaveTitle('Events · Fulcrum');
  const results = page.getByTestId('events-results');
  const rows = results.getByTestId('event-row');
  const kinds = () => rows.evaluateAll((els) => els.map((el) => el.querySelector('[data-testid="event"]')?.getAttribute('data-kind')));

  await test.step('a burst of the same kind, service and backend collapses into one row, ×10, expandable', async () => {
    const burst = rows.filter({ has: page.locator('[data-kind="backend-updated"]') });
    await expect(burst).toHaveCount(1);
    await expect(burst).toHaveAttribute('data-count', '10');
    const toggle = burst.getByTestId('event-burst');
    await expect(toggle).toContainText('×10');
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(burst.getByTestId('event-message').first()).toContainText('weight 10 → 11');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(burst.getByTestId('event')).toHaveCount(10);
    await expect(burst.getByTestId('event-message').last()).toContainText('weight 1 → 2');
    await screenshot(page, testInfo, 'events-burst-expanded');
    await toggle.click();
    await expect(burst.getByTestId('event')).toHaveCount(1);
  });

  await test.step('filter by kind, service and actor', async () => {
    await page.getByTestId('events-kind').selectOption('service-created');
    await expect.poll(kinds).toEqual(['service-created', 'service-created']);
    await page.getByTestId('events-service').selectOption({ label: 'web' });
    await expect(rows).toHaveCount(1);
    await expect(rows.getByTestId('event-message')).toHaveText(/^service "web" created/);
    await page.getByTestId('events-kind').selectOption('');
    await expect.poll(kinds).toEqual(['service-updated', 'service-created']);
    await page.getByTestId('events-actor').fill('ops');
    await expect.poll(kinds).toEqual(['service-updated']);
    await expect(rows.getByTestId('event-actor')).toHaveText('ops');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(rows.first()).toBeVisible();
    await expect(page.getByTestId('events-kind')).toHaveValue('');
  });

  await test.step('search the messages; LIKE wildcards match only themselves', async () => {
    await page.getByTestId('events-search').fill('RETRIES: 2 → 3');
    await expect.poll(kinds).toEqual(['service-updated']);
    await page.getByTestId('events-search').fill('%');
    await expect(view.getByText('No event matches')).toBeVisible();
    await page.getByTestId('events-search').fill('_');
    await expect(view.getByText('No event matches')).toBeVisible();
    await page.getByTestId('events-search').fill('');
    await expect(rows.first()).toBeVisible();
  });

  await test.step('time range: last 15 minutes lists them, a window in the past none', async () => {
    await page.getByTestId('events-range').selectOption('15m');
    await expect(rows.first()).toBeVisible();
    await page.getByTestId('events-range').selectOption('custom');
    await page.getByTestId('events-to').fill('2020-01-01T00:00');
    await expect(view.getByText('No event matches')).toBeVisible();
    await page.getByTestId('events-range').selectOption('any');
    await expect(rows.first()).toBeVisible();
  });

  await test.step('a live event that matches the filter appears; one that does not stays out', async () => {
    await page.getByTestId('events-kind').selectOption('service-updated');
    await expect.poll(kinds).toEqual(['service-updated']);
    await fulcrum.api.patchService(cache.id, { retries: 4 });
    await fulcrum.api.patchBackend(cache.id, backendId, { weight: 1 });
    await expect.poll(kinds).toEqual(['service-updated', 'service-updated']);
    await expect(rows.first().getByTestId('event-message')).toContainText('service "cache" updated: retries: 2 → 4');
  });

  await test.step('export the filter as CSV and JSON', async () => {
    await page.getByTestId('events-kind').selectOption('backend-updated');
    await expect(rows).toHaveCount(1);
    await expect(rows).toHaveAttribute('data-count', '11');
    const expected = (await (await fetch(new URL('/api/events?kind=backend-updated', fulcrum.url), { headers: { authorization: `Bearer ${fulcrum.token}` } })).json()) as { events: EventDto[] };
    expect(expected.events).toHaveLength(11);

    const csv = await downloaded(page, 'events-export-csv');
    expect(csv.name).toMatch(/^fulcrum-events-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv$/);
    const table = parseCsv(csv.text);
    expect(table[0]).toEqual(['id', 'time', 'kind', 'actor', 'service', 'serviceId', 'backendId', 'message', 'details']);
    expect(table.slice(1).map((r) => Number(r[0]))).toEqual(expected.events.map((e) => e.id));
    const first = expected.events[0]!;
    // The message holds quotes ("cache"): quoted and doubled in the file, the same text read back.
    expect(table[1]).toEqual([String(first.id), first.time, 'backend-updated', 'admin', 'cache', String(cache.id), String(backendId), first.message, JSON.stringify(first.details)]);
    expect(csv.text).toContain('""cache""');

    const json = await downloaded(page, 'events-export-json');
    expect(json.name).toMatch(/\.json$/);
    const doc = JSON.parse(json.text) as { filter: Record<string, string>; truncated: boolean; count: number; events: EventDto[] };
    expect(doc.filter).toEqual({ kind: 'backend-updated' });
    expect(doc.truncated).toBe(false);
    expect(doc.count).toBe(11);
    expect(doc.events).toEqual(expected.events);
    await screenshot(page, testInfo, 'events-filtered');
  });
});
