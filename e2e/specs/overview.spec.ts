// The all-services overview is the landing view: every service with backends up/total, active
// connections, new connections/s, throughput and errors; down and degraded services first;
// sortable columns; a filter; a row opens the service and the sidebar leads back.
import { connect } from 'node:net';
import { redisRoundTrip } from '../fixtures/redis-traffic.ts';
import { screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';
import { TrafficLoop } from '../fixtures/traffic-loop.ts';
import type { Page } from '@playwright/test';

/** Nothing listens on port 1 of loopback: a backend there is down. */
const DEAD = '127.0.0.1:1';

async function rowOrder(page: Page): Promise<string[]> {
  const ids = await page.locator('[data-testid^="overview-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid') ?? ''));
  return ids.map((id) => id.replace('overview-row-', ''));
}

/** One raw TCP client that the balancer must turn away (no backend up); resolves when it is closed. */
function rejectedClient(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => (socket.destroy(), reject(new Error('the balancer kept the connection open'))), 10_000);
    socket.on('error', () => {});
    socket.on('close', () => (clearTimeout(timer), resolve()));
  });
}

test('the overview lands first, worst services on top, sorts, filters and opens a service', async ({ page, fulcrum, startRedis, redisClients }, testInfo) => {
  const [redisA, redisB, redisC] = await Promise.all([startRedis(), startRedis(), startRedis()]);
  const check = { type: 'tcp' as const, intervalMs: 500, rise: 1, fall: 1 };
  const [webPort, cachePort, queuePort] = await Promise.all([freePort(), freePort(), freePort()]);
  await fulcrum.api.createService({ name: 'web', listen: `127.0.0.1:${webPort}`, healthCheck: check, backends: [{ address: redisA.address }, { address: redisB.address }] });
  await fulcrum.api.createService({ name: 'cache', listen: `127.0.0.1:${cachePort}`, healthCheck: check, backends: [{ address: redisC.address }, { address: DEAD }] });
  await fulcrum.api.createService({ name: 'queue', listen: `127.0.0.1:${queuePort}`, healthCheck: check, backends: [{ address: DEAD }] });

  await signIn(page, fulcrum.url, fulcrum.token);
  const overview = page.getByTestId('services-overview');
  await expect(overview).toBeVisible();
  await expect(page.getByTestId('overview-link')).toHaveAttribute('aria-current', 'page');
  await expect(page).toHaveTitle('Overview · Fulcrum');
  expect(new URL(page.url()).hash).toBe('');
  const row = (name: string) => page.getByTestId(`overview-row-${name}`);

  await test.step('health per service, worst first by default', async () => {
    await expect(row('queue')).toHaveAttribute('data-health', 'down');
    await expect(row('cache')).toHaveAttribute('data-health', 'degraded');
    await expect(row('web')).toHaveAttribute('data-health', 'up');
    await expect(row('queue').getByTestId('up')).toHaveText('0/1');
    await expect(row('cache').getByTestId('up')).toHaveText('1/2');
    await expect(row('web').getByTestId('up')).toHaveText('2/2');
    await expect(row('queue').getByTestId('status')).toHaveText('down');
    expect(await rowOrder(page)).toEqual(['queue', 'cache', 'web']);
    await expect(page.getByTestId('overview-summary')).toHaveText('3 services · 1 down · 1 degraded');
  });

  const held = redisClients();
  const loop = new TrafficLoop((op) => redisRoundTrip(webPort, `ov-${op}`), { minOps: 10, maxOps: 3000, maxMs: 60_000, paceMs: 20 });
  await test.step('live load, rates and errors per service', async () => {
    await held.open(webPort, 'held-', 5);
    loop.start('load');
    await rejectedClient(queuePort);
    await expect(row('web').getByTestId('active')).toHaveText(/^[5-9]$/); // 5 held, plus the loop's one in flight at most
    await expect(row('web').getByTestId('new-per-sec')).not.toHaveText(/^(—|0\/s)$/);
    await expect(row('web').getByTestId('throughput')).not.toHaveText(/^(—|0 B\/s)$/);
    await expect(row('queue').getByTestId('errors')).toHaveText(/^0 · [1-9]/); // no failed connect (nothing was tried), ≥1 client rejected
    await expect(row('queue').getByTestId('errors')).toHaveClass(/warn/);
    await expect(row('cache').getByTestId('active')).toHaveText('0');
    await screenshot(page, testInfo, 'overview');
  });

  try {
    await test.step('sortable columns', async () => {
      const active = page.getByRole('columnheader', { name: /Active/ });
      await active.getByRole('button').click();
      await expect(active).toHaveAttribute('aria-sort', 'descending');
      expect((await rowOrder(page))[0]).toBe('web');
      await page.getByRole('columnheader', { name: /Service/ }).getByRole('button').click();
      await expect(page.getByRole('columnheader', { name: /Service/ })).toHaveAttribute('aria-sort', 'ascending');
      expect(await rowOrder(page)).toEqual(['cache', 'queue', 'web']);
      await page.getByRole('columnheader', { name: /Service/ }).getByRole('button').click();
      expect(await rowOrder(page)).toEqual(['web', 'queue', 'cache']);
      await expect(active).toHaveAttribute('aria-sort', 'none');
    });

    await test.step('the filter finds services by name and by backend address', async () => {
      const filter = page.getByLabel('Filter services');
      await filter.fill('cach');
      expect(await rowOrder(page)).toEqual(['cache']);
      await filter.fill(redisB.address);
      expect(await rowOrder(page)).toEqual(['web']);
      await filter.fill('no-such-service');
      await expect(overview).toContainText('No service matches “no-such-service”');
      await filter.fill('');
      expect(await rowOrder(page)).toHaveLength(3);
    });
  } finally {
    await loop.stop();
  }
  expect(loop.failures).toEqual([]);

  await test.step('a row opens the service; "All services" leads back', async () => {
    await row('cache').getByTestId('up').click();
    await expect(page.locator('#service-title')).toHaveText('cache');
    await expect(page).toHaveTitle('cache · Fulcrum');
    await expect(page.getByTestId('service-item-cache')).toHaveAttribute('aria-current', 'page');
    expect(new URL(page.url()).hash).toMatch(/^#service=\d+$/);
    await page.getByTestId('overview-link').click();
    await expect(overview).toBeVisible();
    expect(new URL(page.url()).hash).toBe('');
    // Keyboard: the service name is a button.
    await page.getByRole('button', { name: 'Open web' }).press('Enter');
    await expect(page.locator('#service-title')).toHaveText('web');
  });
});
