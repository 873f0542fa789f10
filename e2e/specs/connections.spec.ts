// Issue 17, connections: the service's live connection list shows real client connections
// (client address = the client's own port, the backend it landed on, bytes each way), and
// closing one from the console closes that client's socket while the others keep working;
// "Close all on this backend" (after a confirmation) closes exactly that backend's clients.
import { screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { RawRedisClient } from '../fixtures/raw-redis-client.ts';
import { expect, test } from '../fixtures/test.ts';

test('connection list shows and closes a real connection', async ({ page, fulcrum, startRedis }, testInfo) => {
  const [redisA, redisB] = await Promise.all([startRedis(), startRedis()]);
  const listenPort = await freePort();
  await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${listenPort}`,
    healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 },
    backends: [{ address: redisA.address }, { address: redisB.address }],
  });
  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await expect(page.getByTestId(`backend-row-${redisA.address}`).getByTestId('health')).toHaveText('up');
  await expect(page.getByTestId(`backend-row-${redisB.address}`).getByTestId('health')).toHaveText('up');

  const clients: RawRedisClient[] = [];
  try {
    for (let i = 0; i < 4; i++) clients.push(await RawRedisClient.open(listenPort, `conn-${i}`));
    const onA = new Set(await redisA.clientNames());
    const backendOf = (i: number) => (onA.has(`conn-${i}`) ? redisA.address : redisB.address);

    const panel = page.getByTestId('connections-panel');
    const row = (c: RawRedisClient) => panel.locator(`[data-testid="connection-row"][data-client="${c.address}"]`);
    for (const [i, c] of clients.entries()) {
      await expect(row(c)).toBeVisible();
      await expect(row(c)).toContainText(backendOf(i));
      await expect(row(c)).toContainText('established');
    }
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, testInfo, 'connections-list');

    // Close one from the console: that client's socket closes, the others still answer.
    const victim = clients[0]!;
    await row(victim).getByRole('button', { name: `Close the connection from ${victim.address}` }).click();
    await expect.poll(() => victim.closed, { timeout: 5000 }).toBe(true);
    await expect(row(victim)).toHaveCount(0);
    for (const c of clients.slice(1)) expect(await c.command('PING')).toBe('+PONG');
    expect((await fulcrum.api.eventsOfKind('connection-closed')).some((e) => e.message.includes(victim.address))).toBe(true);

    // Close all on one backend, after the confirmation: only its clients are closed.
    const target = backendOf(1);
    const doomed = clients.slice(1).filter((_, j) => backendOf(j + 1) === target);
    const spared = clients.slice(1).filter((c) => !doomed.includes(c));
    await panel.getByTestId('connections-backend').selectOption({ label: target });
    for (const c of doomed) await expect(row(c)).toBeVisible();
    for (const c of spared) await expect(row(c)).toHaveCount(0);
    await panel.getByTestId('connections-close-all').click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText(`Close all connections on ${target}?`);
    await screenshot(page, testInfo, 'connections-close-all');
    await dialog.getByRole('button', { name: 'Close all' }).click();
    await expect(dialog).toBeHidden();
    for (const c of doomed) await expect.poll(() => c.closed, { timeout: 5000 }).toBe(true);
    await expect(panel.getByTestId('connections-empty')).toBeVisible();
    for (const c of spared) expect(await c.command('PING')).toBe('+PONG');
  } finally {
    for (const c of clients) c.socket.destroy();
  }
});
