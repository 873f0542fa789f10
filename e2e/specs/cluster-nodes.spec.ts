// Issue "Cluster and high availability", console side, with two real nodes sharing one real
// PostgreSQL: the top bar of node a says "2 nodes, all in step", the cluster view lists both,
// the strategy note explains per-node balancing, a change made through node b's API shows up
// live in node a's console, the overview and the service charts show the whole cluster or one
// node (one shared choice), and a node that stops is gone from the view.
import net from 'node:net';
import { once } from 'node:events';
import { PostgresServer } from '../fixtures/postgres-server.ts';
import { FulcrumProcess } from '../fixtures/fulcrum-process.ts';
import { latestStackedValues } from '../fixtures/chart-reading.ts';
import { signIn, screenshot } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

test('two nodes: cluster status, the view of both, and a change through the other node appearing live', async ({ page, startRedis }, testInfo) => {
  test.setTimeout(120_000);
  const postgres = await PostgresServer.start();
  const nodes: FulcrumProcess[] = [];
  const clients: net.Socket[] = [];
  try {
    const store = `postgres://postgres@127.0.0.1:${postgres.port}/postgres`;
    const a = await FulcrumProcess.start(['--store', store, '--node-name', 'node-a', '--listen-host', '127.0.0.2']);
    nodes.push(a);
    const b = await FulcrumProcess.start(['--store', store, '--node-name', 'node-b', '--listen-host', '127.0.0.3']);
    nodes.push(b);
    const redis = await startRedis();
    const service = await a.api.createService({ name: 'cache', listen: `127.0.0.1:${await freePort()}`, strategy: 'round-robin', backends: [{ address: redis.address }] });
    const status = page.getByTestId('cluster-status');

    await test.step("node a's console: two nodes, all in step", async () => {
      await signIn(page, a.url, a.token, 'cache');
      await expect(page.locator('#service-title')).toHaveText('cache');
      await expect(status).toHaveAttribute('aria-label', 'Cluster: 2 nodes, all in step');
      await status.click();
      await expect(page.getByTestId('cluster-view')).toBeVisible();
      await expect(page.getByTestId('node-row-node-a')).toHaveAttribute('data-state', 'in-step');
      await expect(page.getByTestId('node-row-node-b')).toHaveAttribute('data-state', 'in-step');
      await expect(page.getByTestId('node-row-node-a').getByTestId('self')).toHaveText('this node');
      await expect(page.getByTestId('node-row-node-b').getByTestId('listen-host')).toHaveText('127.0.0.3');
      await screenshot(page, testInfo, 'cluster-two-nodes');
    });

    await test.step("a change through node b's API appears live in node a's console, with the per-node note", async () => {
      await page.getByTestId('service-item-cache').click();
      await expect(page.getByLabel('Strategy')).toHaveValue('round-robin');
      await b.api.patchService(service.id, { strategy: 'least-connections' });
      await expect(page.getByLabel('Strategy')).toHaveValue('least-connections');
      await expect(page.getByTestId('strategy-cluster-note')).toContainText('2 nodes');
    });

    await test.step('the overview shows the whole cluster summed, or one node, from the heartbeats', async () => {
      const port = Number(service.listen.split(':').at(-1));
      // One connection held open through node a, two through node b.
      for (const host of ['127.0.0.2', '127.0.0.3', '127.0.0.3']) {
        const socket = net.connect({ host, port });
        clients.push(socket);
        await once(socket, 'connect');
      }
      await page.getByTestId('overview-link').click();
      const scope = page.getByTestId('overview-scope');
      const active = page.getByTestId('overview-row-cache').getByTestId('active');
      await expect(scope).toHaveValue('*');
      await expect(active).toHaveText('3');
      await scope.selectOption('node-b');
      await expect(active).toHaveText('2');
      await scope.selectOption('node-a');
      await expect(active).toHaveText('1');
      await scope.selectOption('*');
      await expect(active).toHaveText('3');
      await screenshot(page, testInfo, 'cluster-overview');
    });

    await test.step("the service charts follow the overview's scope: another node or the whole cluster, live and recorded", async () => {
      const overviewScope = page.getByTestId('overview-scope');
      await overviewScope.selectOption('node-b');
      await page.getByTestId('overview-row-cache').getByRole('button', { name: 'Open cache' }).click();
      const scope = page.getByTestId('charts-scope');
      const note = page.getByTestId('charts-scope-note');
      const chart = page.getByTestId('active-chart');
      // The band height of the one backend at the newest point: node b holds 2 of the 3 clients.
      const shown = async () => Object.values(await latestStackedValues(chart)).reduce((a, b) => a + b, 0);
      await expect(scope).toHaveValue('node-b');
      await expect(note).toHaveAttribute('data-scope', 'node');
      await expect(note).toContainText("node node-b: heartbeats");
      await expect.poll(shown, { timeout: 15_000 }).toBe(2);
      await scope.selectOption('*');
      await expect(note).toHaveAttribute('data-scope', 'cluster');
      await expect.poll(shown, { timeout: 15_000 }).toBe(3);
      await screenshot(page, testInfo, 'cluster-service-charts');
      await scope.selectOption('node-a');
      await expect(note).toHaveText('This node (node-a).');
      await expect.poll(shown, { timeout: 15_000 }).toBe(1);
      await scope.selectOption('node-b');
      await page.getByTestId('range-1h').click();
      await expect(note).toHaveText('Recorded history of node node-b, fetched from it by this node (node-a).');
      // Sessions are per node: node a asked node b with a node assertion signed for this browser's
      // session (not the cookie), and b answered its own history.
      await expect(page.getByTestId('history-charts')).toBeVisible();
      await expect(page.getByTestId('history-status')).toHaveCount(0);
      await scope.selectOption('*');
      await expect(note).toHaveAttribute('data-scope', 'cluster');
      await expect(page.getByTestId('history-charts')).toBeVisible();
      const counted = page.getByTestId('history-nodes');
      await expect(counted).toHaveText(/^Summed per slot over nodes (node-a, node-b|node-b, node-a)\.$/);
      await expect(counted).not.toContainText('Left out');
      await scope.selectOption('node-b');
      await page.getByTestId('range-live').click();
      // One value: the overview shows the scope last picked on the service page.
      await page.getByTestId('overview-link').click();
      await expect(overviewScope).toHaveValue('node-b');
      await expect(page.getByTestId('overview-row-cache').getByTestId('active')).toHaveText('2');
    });

    await test.step('node b stops (SIGTERM) and leaves the view; the status follows', async () => {
      await b.stop('SIGTERM');
      await status.click();
      await expect(page.getByTestId('node-row-node-b')).toHaveCount(0);
      await expect(status).toHaveAttribute('aria-label', 'Cluster: 1 node, in step');
    });
  } finally {
    for (const socket of clients) socket.destroy();
    for (const n of nodes) await n.dispose();
    await postgres.stop();
  }
});
