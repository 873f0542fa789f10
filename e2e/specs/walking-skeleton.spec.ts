// Issue "walking skeleton": sign in, create a service, add two real Redis backends in the
// console, push real Redis traffic through the balancer and watch the live numbers, remove a
// backend, switch the strategy, restart fulcrum and find the configuration again.
import { latestStackedValues, seriesNames } from '../fixtures/chart-reading.ts';
import { addBackend, applyStrategy, backendCell, backendRow, removeBackend, screenshot, signInHere } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

test('walking skeleton: service, backends, live traffic, removal, strategy, restart', async ({ page, fulcrum, startRedis, redisClients }, testInfo) => {
  const [redisA, redisB] = await Promise.all([startRedis(), startRedis()]);
  const listenPort = await freePort();
  const listen = `127.0.0.1:${listenPort}`;

  await test.step('sign in with the admin token on the login page', async () => {
    await page.goto(fulcrum.url);
    await expect(page.getByRole('heading', { name: 'Sign in to the console' })).toBeVisible();
    await screenshot(page, testInfo, 'login');
    await signInHere(page, fulcrum.token);
    await expect(page.getByText('No services configured')).toBeVisible();
  });

  await test.step('create a service in the console form', async () => {
    await page.getByRole('button', { name: 'New service' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('cache');
    await dialog.getByLabel('Listen address').fill(listen);
    await dialog.getByLabel('Check type').selectOption('redis');
    await dialog.getByRole('button', { name: 'Create service' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.locator('#service-title')).toHaveText('cache');
    await expect(page.getByTestId('service-listen')).toHaveText(listen);
    await expect(page.getByTestId('service-item-cache')).toHaveAttribute('aria-current', 'page');

    const [service] = await fulcrum.api.services();
    expect(service).toMatchObject({ name: 'cache', listen, strategy: 'round-robin', backends: [] });
    expect(service?.healthCheck.type).toBe('redis');
  });

  await test.step('add both redis-servers as backends in the add form', async () => {
    await addBackend(page, redisA.address, '1');
    await addBackend(page, redisB.address, '2');
    const [service] = await fulcrum.api.services();
    expect(service?.backends.map((b) => [b.address, b.weight, b.state])).toEqual([
      [redisA.address, 1, 'enabled'],
      [redisB.address, 2, 'enabled'],
    ]);
    // The redis health check (PING) passes against the real servers.
    await expect(backendCell(page, redisA.address, 'health')).toHaveText('up');
    await expect(backendCell(page, redisB.address, 'health')).toHaveText('up');
    await expect(page.getByTestId('service-up')).toContainText('2/2');
    await expect(backendRow(page, redisB.address).getByTestId('weight-edit')).toHaveText('2');
  });

  const held = redisClients();
  let atA = 0;
  let atB = 0;
  await test.step('20 Redis clients through the balancer show up live in the table and the chart', async () => {
    const chart = page.getByTestId('active-chart');
    await expect(backendCell(page, redisA.address, 'active')).toHaveText('0');
    await expect(backendCell(page, redisB.address, 'active')).toHaveText('0');
    await expect.poll(() => latestStackedValues(chart), { timeout: 15_000 }).toEqual({ [redisA.address]: 0, [redisB.address]: 0 });

    await held.open(listenPort, 'held-', 20);
    await held.pingAll();
    // Where the connections really landed, asked of each redis-server directly.
    atA = await redisA.countClients('held-');
    atB = await redisB.countClients('held-');
    expect(atA + atB).toBe(20);
    expect(atA).toBeGreaterThan(0);
    expect(atB).toBeGreaterThan(0);
    // SET through the balancer really wrote to the backend the connection landed on.
    const nameAtA = (await redisA.clientNames()).find((n) => n.startsWith('held-'))!;
    expect(await redisA.get(`key:${nameAtA}`)).toBe(nameAtA);

    await expect(backendCell(page, redisA.address, 'active')).toHaveText(String(atA));
    await expect(backendCell(page, redisB.address, 'active')).toHaveText(String(atB));
    await expect(page.getByTestId('service-active')).toContainText('20');

    await expect.poll(() => seriesNames(chart), { timeout: 15_000 }).toEqual([redisA.address, redisB.address]);
    await expect
      .poll(() => latestStackedValues(chart), { timeout: 15_000, message: 'active-chart values at the newest point' })
      .toEqual({ [redisA.address]: atA, [redisB.address]: atB });
    await screenshot(page, testInfo, 'console-live-traffic');
    // The README's first picture (docs/screenshots/console.png): what the operator sees first, no scrolling.
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, testInfo, 'console', { viewport: true });
  });

  await test.step('remove one backend in the console: new connections go only to the other', async () => {
    const totalAtA = (await fulcrum.api.backendStats((await fulcrum.api.serviceNamed('cache')).id, redisA.address))?.total;
    await removeBackend(page, redisA.address);
    const [service] = await fulcrum.api.services();
    expect(service?.backends.map((b) => b.address)).toEqual([redisB.address]);
    // The removed backend keeps its open connections and drains them.
    await expect(backendCell(page, redisA.address, 'state')).toHaveAttribute('data-state', 'removed');
    await expect(backendCell(page, redisA.address, 'state')).toContainText('draining (removed)');
    await expect(backendRow(page, redisA.address).getByTestId('drain-progress')).toHaveText(`${atA} connection${atA === 1 ? '' : 's'} left`);

    const after = redisClients();
    await after.open(listenPort, 'after-', 10);
    expect(await redisA.countClients('after-')).toBe(0);
    expect(await redisB.countClients('after-')).toBe(10);
    expect(await redisA.countClients('held-')).toBe(atA);
    expect((await fulcrum.api.backendStats(service!.id, redisA.address))?.total).toBe(totalAtA);
    await expect(backendCell(page, redisB.address, 'active')).toHaveText(String(atB + 10));
    await after.closeAll();
  });

  await test.step('switch the strategy: select in the dropdown, then Apply', async () => {
    await applyStrategy(page, 'least-connections');
    await expect(page.getByTestId('strategy-description')).toHaveText(/Fewest active connections/);
    await expect(page.getByTestId('service-item-cache')).toContainText('Least connections');
    await expect.poll(async () => (await fulcrum.api.serviceNamed('cache')).strategy).toBe('least-connections');
  });

  await test.step('restart fulcrum on the same data directory: the configuration comes back', async () => {
    await held.closeAll();
    // Drained and removed: the row goes away once its last connection closed.
    await expect(backendRow(page, redisA.address)).toHaveCount(0);

    expect(await fulcrum.stop('SIGTERM')).toBe(0);
    await expect(page.getByTestId('connection-banner')).toHaveAttribute('data-state', 'down');
    await fulcrum.start();
    expect(fulcrum.output()).toContain(`fulcrum: service "cache" listening on ${listen} (least-connections, 1 backend)`);

    // Sessions live in memory, so the console may ask to sign in again; either way it must
    // end up live on the restored configuration.
    const loginOrLive = page.getByLabel('Admin token').or(page.getByTestId('live-indicator').filter({ hasText: /^Live$/ }));
    await expect(loginOrLive).toBeVisible({ timeout: 30_000 });
    if (await page.getByLabel('Admin token').isVisible()) {
      await screenshot(page, testInfo, 'login-after-restart');
      await signInHere(page, fulcrum.token);
    }
    await expect(page.getByTestId('service-item-cache')).toBeVisible();
    await expect(page.locator('#service-title')).toHaveText('cache');
    await expect(page.getByTestId('service-listen')).toHaveText(listen);
    await expect(page.getByTestId('strategy-select')).toHaveValue('least-connections');
    await expect(backendRow(page, redisB.address)).toBeVisible();
    await expect(backendRow(page, redisA.address)).toHaveCount(0);
    await expect(backendCell(page, redisB.address, 'health')).toHaveText('up');

    // And the restored service balances again.
    const again = redisClients();
    await again.open(listenPort, 'restarted-', 3);
    expect(await redisB.countClients('restarted-')).toBe(3);
    expect(await redisA.countClients('restarted-')).toBe(0);
    await expect(backendCell(page, redisB.address, 'active')).toHaveText('3');
    await screenshot(page, testInfo, 'console-after-restart');
  });
});
