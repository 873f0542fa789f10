// Issue "Cluster and high availability", console side, on a single SQLite node: the top bar says
// only "single node", the cluster view lists this node alone (in step, its version, its live
// connections), the strategy note stays away, #cluster survives a reload, and the edit form
// refuses to overwrite a change made elsewhere. The multi-node rendering is covered by the
// console's unit tests (cluster-summary, cluster-rows).
import { hostname } from 'node:os';
import { signIn, screenshot } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

test('single node: discreet status, the cluster view lists this node live', async ({ page, fulcrum, startRedis, redisClients }, testInfo) => {
  const redis = await startRedis();
  const listenPort = await freePort();
  const service = await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${listenPort}`,
    strategy: 'least-connections',
    backends: [{ address: redis.address }],
  });
  const status = page.getByTestId('cluster-status');
  const view = page.getByTestId('cluster-view');
  const row = page.getByTestId(`node-row-${hostname()}`);

  await test.step('the top bar says only "single node"; no cluster note under the strategy', async () => {
    await signIn(page, fulcrum.url, fulcrum.token, 'cache');
    await expect(page.locator('#service-title')).toHaveText('cache');
    await expect(status).toHaveText('single node');
    await expect(status).toHaveAttribute('data-kind', 'single');
    await expect(page.getByLabel('Strategy')).toHaveValue('least-connections');
    await expect(page.getByTestId('strategy-cluster-note')).toHaveCount(0);
    await screenshot(page, testInfo, 'cluster-header-single-node');
  });

  await test.step('a click opens the cluster view: this node alone, in step', async () => {
    await status.click();
    await expect(view).toBeVisible();
    await expect(page).toHaveURL(/#cluster$/);
    await expect(status).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('service-item-cache')).not.toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { name: 'Cluster' })).toBeVisible();
    const table = page.getByRole('table', { name: 'Nodes' });
    await expect(table.getByRole('row')).toHaveCount(2);
    await expect(table.getByRole('rowheader')).toHaveText(/this node/);
    await expect(row.getByTestId('self')).toHaveText('this node');
    await expect(row).toHaveAttribute('data-state', 'in-step');
    await expect(row.getByTestId('state')).toHaveText(/in step/);
    await expect(row.getByTestId('applied')).toHaveText(`v${service.version}`);
    await expect(page.getByTestId('cluster-version')).toHaveText(`v${service.version}`);
    await expect(row.getByTestId('lag')).toHaveText('0');
    await expect(row.getByTestId('admin-url')).toHaveText(fulcrum.url.replace(/\/$/, ''));
    await expect(row.getByTestId('listen-host')).toHaveText("each service's own");
    await expect(row.getByTestId('connections')).toHaveText('0');
    await expect(view.getByText('single node')).toBeVisible();
  });

  await test.step('connections and a change made outside this browser show up while the view is open', async () => {
    const clients = redisClients();
    await clients.open(listenPort, 'cluster-', 3);
    await clients.pingAll();
    expect(await redis.countClients('cluster-')).toBe(3);
    await expect(row.getByTestId('connections')).toHaveText('3');
    const patched = await fulcrum.api.patchService(service.id, { retries: 4 });
    expect(patched.version).toBeGreaterThan(service.version);
    await expect(row.getByTestId('applied')).toHaveText(`v${patched.version}`);
    await expect(page.getByTestId('cluster-version')).toHaveText(`v${patched.version}`);
    await screenshot(page, testInfo, 'cluster-view-single-node');
  });

  await test.step('#cluster survives a reload; a service in the sidebar leaves the view', async () => {
    await page.reload();
    await expect(view).toBeVisible();
    await expect(row.getByTestId('state')).toHaveText(/in step/);
    await page.getByTestId('service-item-cache').click();
    await expect(view).toBeHidden();
    await expect(page.locator('#service-title')).toHaveText('cache');
    await expect(page).toHaveURL(new RegExp(`#service=${service.id}$`));
  });

  await test.step('a change made elsewhere while the edit form is open is announced, never overwritten', async () => {
    await page.getByRole('button', { name: 'Edit service' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('service-form-stale')).toHaveCount(0);
    await fulcrum.api.patchService(service.id, { retries: 6 });
    await expect(dialog.getByTestId('service-form-stale')).toContainText('changed elsewhere');
    await dialog.getByLabel('Connect retries').fill('3');
    await dialog.getByRole('button', { name: 'Save service' }).click();
    await dialog.getByRole('button', { name: 'Apply changes' }).click();
    await expect(dialog.getByRole('alert')).toContainText('Not saved');
    expect((await fulcrum.api.serviceNamed('cache')).retries).toBe(6);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
  });
});
