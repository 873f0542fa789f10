// Issue 15, connection lifetime and rebalance, in the console: the backend row's Rebalance
// dialog refuses a window out of range, and a confirmed rebalance ends exactly that backend's
// real client connections (gracefully, spread over the window) while the other backend's
// clients keep answering; Cancel ends nothing; the change is audited and the backend stays in rotation.
import { screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { RawRedisClient } from '../fixtures/raw-redis-client.ts';
import { expect, test } from '../fixtures/test.ts';

test('rebalance ends one backend’s connections from the console', async ({ page, fulcrum, startRedis }, testInfo) => {
  const [redisA, redisB] = await Promise.all([startRedis(), startRedis()]);
  const listenPort = await freePort();
  await fulcrum.api.createService({
    name: 'pool',
    listen: `127.0.0.1:${listenPort}`,
    healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 },
    backends: [{ address: redisA.address }, { address: redisB.address }],
  });
  await signIn(page, fulcrum.url, fulcrum.token, 'pool');
  const rowA = page.getByTestId(`backend-row-${redisA.address}`);
  await expect(rowA.getByTestId('health')).toHaveText('up');
  await expect(page.getByTestId(`backend-row-${redisB.address}`).getByTestId('health')).toHaveText('up');

  const clients: RawRedisClient[] = [];
  try {
    // Round-robin: the four clients land two on each backend.
    for (let i = 0; i < 4; i++) clients.push(await RawRedisClient.open(listenPort, `pool-${i}`));
    const onA = new Set(await redisA.clientNames());
    const doomed = clients.filter((_, i) => onA.has(`pool-${i}`));
    const spared = clients.filter((_, i) => !onA.has(`pool-${i}`));
    expect(doomed).toHaveLength(2);

    await rowA.getByRole('button', { name: `Rebalance ${redisA.address}` }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText(`Rebalance ${redisA.address}?`);
    // A window out of range is refused in the form, naming it; nothing is sent.
    const windowInput = dialog.getByTestId('rebalance-window');
    await windowInput.fill('5');
    await expect(dialog).toContainText('Window must be at least 100.');
    await expect(dialog.getByRole('button', { name: 'Rebalance' })).toBeDisabled();
    // Cancel ends nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    for (const c of clients) expect(await c.command('PING')).toBe('+PONG');
    await rowA.getByRole('button', { name: `Rebalance ${redisA.address}` }).click();
    await windowInput.fill('400');
    await expect(dialog.getByRole('button', { name: 'Rebalance' })).toBeEnabled();
    await screenshot(page, testInfo, 'rebalance-dialog');
    await dialog.getByRole('button', { name: 'Rebalance' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(`${redisA.address}: 2 connections end gracefully over 400 ms`)).toBeVisible();

    for (const c of doomed) await expect.poll(() => c.closed, { timeout: 5000 }).toBe(true);
    for (const c of spared) expect(await c.command('PING')).toBe('+PONG');
    expect((await fulcrum.api.eventsOfKind('backend-rebalanced')).some((e) => e.message.includes(redisA.address))).toBe(true);

    // Still in rotation: new clients reach backend A again.
    const again = [await RawRedisClient.open(listenPort, 'again-0'), await RawRedisClient.open(listenPort, 'again-1')];
    clients.push(...again);
    expect((await redisA.clientNames()).some((n) => n.startsWith('again-'))).toBe(true);
  } finally {
    for (const c of clients) c.socket.destroy();
  }
});
