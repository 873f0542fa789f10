// Health detail in the backends table: a killed redis-server's row says why it is down and since
// when without a click, its latency shows "—"; ▸ opens the detail (last check, streak, role,
// weight against slow start); the table sorts and filters; on a 480 px screen the address column
// stays in place while the rest scrolls sideways.
import type { Page } from '@playwright/test';
import { backendCell, backendRow, screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

/** Backend addresses in the order the table shows them. */
async function shownOrder(page: Page): Promise<string[]> {
  return page.getByTestId('backends-table').locator('tbody tr[data-backend-id]').evaluateAll((rows) => rows.map((r) => r.querySelector('[data-testid="address"] .mono')?.textContent ?? ''));
}

test('a down backend says why and since when; rows expand, sort, filter; the address stays put on a narrow screen', async ({ page, fulcrum, startRedis }, testInfo) => {
  const [redisA, redisB, redisC] = await Promise.all([startRedis(), startRedis(), startRedis()]);
  const service = await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${await freePort()}`,
    // Slow start long enough that the restarted backend is still ramping when we look.
    healthCheck: { type: 'redis', intervalMs: 300, timeoutMs: 300, fall: 2, rise: 1, slowStartMs: 120_000 },
    backends: [{ address: redisA.address, weight: 4 }, { address: redisB.address }, { address: redisC.address }],
  });
  const byPort = [redisA, redisB, redisC].map((r) => r.address).sort((x, y) => Number(x.split(':')[1]) - Number(y.split(':')[1]));

  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  for (const r of [redisA, redisB, redisC]) await expect(backendCell(page, r.address, 'health')).toHaveText('up');

  await test.step('a row expands with its button and with the keyboard', async () => {
    const expand = backendCell(page, redisB.address, 'expand');
    await expect(expand).toHaveAttribute('aria-expanded', 'false');
    await expand.click();
    await expect(expand).toHaveAttribute('aria-expanded', 'true');
    const detail = page.getByTestId(`backend-detail-${redisB.address}`);
    await expect(detail.getByTestId('detail-health')).toContainText('up — first check ok');
    await expect(detail.getByTestId('detail-health')).toContainText(/since (just now|\d+ s ago) \(\d\d:\d\d:\d\d\)/);
    await expect(detail.getByTestId('detail-last-check')).toHaveText(/^passed · took [\d.]+ ms · (just now|\d+ s ago) \(\d\d:\d\d:\d\d\)$/);
    await expect(detail.getByTestId('detail-streak')).toHaveText(/^\d+ passed in a row$/);
    await expect(detail.getByTestId('detail-role')).toHaveText('— (this check reads no role)');
    await expect(detail.getByTestId('detail-weight')).toHaveText('1');
    expect(await expand.getAttribute('aria-controls')).toBe(await detail.getAttribute('id'));

    const expandC = backendCell(page, redisC.address, 'expand');
    await expandC.focus();
    await page.keyboard.press('Enter');
    await expect(expandC).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByTestId(`backend-detail-${redisC.address}`)).toBeVisible();
    await page.keyboard.press('Space');
    await expect(expandC).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByTestId(`backend-detail-${redisC.address}`)).toHaveCount(0);
  });

  await test.step('kill one redis-server: its row says why and since when, latency shows —', async () => {
    await redisA.kill();
    await expect(backendCell(page, redisA.address, 'health')).toHaveText('down');
    await expect(backendCell(page, redisA.address, 'down-reason')).toHaveText(/^fall: 2 × connect refused · since (just now|\d+ s ago)$/);
    await expect(backendCell(page, redisA.address, 'connect-time')).toHaveText('—');
    await expect(backendCell(page, redisA.address, 'failures')).toHaveText(/^(0|\d+\/min|[\d.]+\/s)$/);
    await expect(backendCell(page, redisB.address, 'down-reason')).toHaveCount(0);

    await backendCell(page, redisA.address, 'expand').click();
    const detail = page.getByTestId(`backend-detail-${redisA.address}`);
    await expect(detail.getByTestId('detail-health')).toContainText('down — fall: 2 × connect refused');
    await expect(detail.getByTestId('detail-last-check')).toContainText('failed: connect refused · took');
    await expect(detail.getByTestId('detail-streak')).toHaveText(/^\d+ failed in a row$/);
    // The streak counts on while it stays down.
    const streak = async () => Number((await detail.getByTestId('detail-streak').textContent())?.split(' ')[0]);
    const first = await streak();
    await expect.poll(streak, { timeout: 10_000 }).toBeGreaterThan(first);
    await screenshot(page, testInfo, 'health-detail-down');
  });

  await test.step('sort by a column header, both ways, and by health', async () => {
    const table = page.getByTestId('backends-table');
    const addressHead = table.locator('th', { has: page.getByTestId('sort-address') });
    await expect(addressHead).toHaveAttribute('aria-sort', 'none');
    await page.getByTestId('sort-address').click();
    await expect(addressHead).toHaveAttribute('aria-sort', 'ascending');
    expect(await shownOrder(page)).toEqual(byPort);
    await page.getByTestId('sort-address').click();
    await expect(addressHead).toHaveAttribute('aria-sort', 'descending');
    expect(await shownOrder(page)).toEqual([...byPort].reverse());
    await page.getByTestId('sort-health').click();
    await expect(table.locator('th', { has: page.getByTestId('sort-health') })).toHaveAttribute('aria-sort', 'ascending');
    await expect(addressHead).toHaveAttribute('aria-sort', 'none');
    expect((await shownOrder(page))[0]).toBe(redisA.address);
  });

  await test.step('filter by state text and by address', async () => {
    const filter = page.getByLabel('Filter backends');
    await filter.fill('down');
    await expect.poll(() => shownOrder(page)).toEqual([redisA.address]);
    await filter.fill(String(redisC.port));
    await expect.poll(() => shownOrder(page)).toEqual([redisC.address]);
    await filter.fill('no-such-backend');
    await expect.poll(() => shownOrder(page)).toEqual([]);
    await expect(page.getByText('No backend matches “no-such-backend”.')).toBeVisible();
    await filter.fill('');
    await expect.poll(async () => (await shownOrder(page)).length).toBe(3);
  });

  await test.step('back up: the reason and since change, slow start shows in the weight', async () => {
    await redisA.start();
    await expect(backendCell(page, redisA.address, 'health')).toHaveText('up');
    await expect(backendCell(page, redisA.address, 'down-reason')).toHaveCount(0);
    const detail = page.getByTestId(`backend-detail-${redisA.address}`);
    await expect(detail.getByTestId('detail-health')).toContainText(/up — rise: 1 × ok · since (just now|\d+ s ago)/);
    await expect(detail.getByTestId('detail-last-check')).toContainText(/^passed · took/);
    await expect(detail.getByTestId('detail-weight')).toHaveText(/^[\d.]+ of 4 \(slow start\)$/);
    // The console shows what the API says.
    const stats = await fulcrum.api.backendStats(service.id, redisA.address);
    expect(stats?.check).toMatchObject({ reason: 'rise: 1 × ok', lastOk: true });
    await screenshot(page, testInfo, 'health-detail-up-again');
  });

  await test.step('on a 480 px screen the address column stays while the rest scrolls', async () => {
    await page.setViewportSize({ width: 480, height: 900 });
    const wrap = page.getByTestId('backends-table').locator('xpath=..');
    const scrollable = await wrap.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(scrollable, 'the table scrolls sideways at 480 px').toBeGreaterThan(50);
    const address = backendCell(page, redisB.address, 'address');
    const state = backendCell(page, redisB.address, 'state');
    await backendRow(page, redisB.address).scrollIntoViewIfNeeded();
    await wrap.evaluate((el) => {
      el.scrollLeft = 0;
    });
    const before = { address: (await address.boundingBox())!.x, state: (await state.boundingBox())!.x };
    await wrap.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
    await expect.poll(async () => (await state.boundingBox())!.x).toBeLessThan(before.state - 40);
    expect((await address.boundingBox())!.x).toBeCloseTo(before.address, 0);
    // Still readable: nothing scrolled over the address.
    const hit = await address.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const top = el.ownerDocument.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return top !== null && el.contains(top);
    });
    expect(hit, 'the address cell is on top of the scrolled cells').toBe(true);
    await screenshot(page, testInfo, 'health-detail-narrow');
    // The panel alone, as an operator on a phone sees it.
    const panelShot = testInfo.outputPath('health-detail-narrow-panel.png');
    await page.getByTestId('backends-table').locator('xpath=../..').screenshot({ path: panelShot });
    await testInfo.attach('health-detail-narrow-panel', { path: panelShot, contentType: 'image/png' });
  });
});
