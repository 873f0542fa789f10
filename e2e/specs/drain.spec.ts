// Drain: a backend with N open client connections is drained in the console; it takes no new
// connections, and "N connections left" counts down to "drained" as the clients close one by one.
import { backendCell, backendRow, screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

const left = (n: number) => (n === 0 ? 'drained' : `${n} connection${n === 1 ? '' : 's'} left`);

test('drain counts down to drained as clients close, and new connections avoid the backend', async ({ page, fulcrum, startRedis, redisClients }, testInfo) => {
  const [redisA, redisB] = await Promise.all([startRedis(), startRedis()]);
  const listenPort = await freePort();
  const service = await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${listenPort}`,
    drainTimeoutMs: 600_000, // far longer than the test: only the clients end these connections
    healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 },
    backends: [{ address: redisA.address }, { address: redisB.address }],
  });

  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await expect(backendCell(page, redisA.address, 'health')).toHaveText('up');
  await expect(backendCell(page, redisB.address, 'health')).toHaveText('up');

  const clients = redisClients();
  await clients.open(listenPort, 'drain-', 12);
  const atA = (await redisA.clientNames()).filter((name) => name.startsWith('drain-'));
  expect(atA.length).toBeGreaterThanOrEqual(3);
  await expect(backendCell(page, redisA.address, 'active')).toHaveText(String(atA.length));

  await page.getByRole('button', { name: `Drain ${redisA.address}` }).click();
  const state = backendCell(page, redisA.address, 'state');
  await expect(state).toHaveAttribute('data-state', 'draining');
  const progress = backendRow(page, redisA.address).getByTestId('drain-progress');
  await expect(progress).toHaveText(left(atA.length));
  await expect(page.getByRole('button', { name: `Drain ${redisA.address}` })).toBeDisabled();
  expect((await fulcrum.api.serviceNamed('cache')).backends.find((b) => b.address === redisA.address)?.state).toBe('draining');
  await screenshot(page, testInfo, 'drain-in-progress');

  // While draining, new connections go to the other backend only.
  const during = redisClients();
  await during.open(listenPort, 'during-', 4);
  expect(await redisA.countClients('during-')).toBe(0);
  expect(await redisB.countClients('during-')).toBe(4);
  await expect(progress).toHaveText(left(atA.length));

  for (let i = 0; i < atA.length; i++) {
    await clients.close(atA[i]!);
    await expect(progress).toHaveText(left(atA.length - i - 1));
  }
  await expect(backendCell(page, redisA.address, 'active')).toHaveText('0');
  expect(await redisA.countClients('drain-')).toBe(0);
  await expect(state).toHaveAttribute('data-state', 'draining'); // drained, still configured, still draining

  const drained = page.getByTestId('events-feed').getByTestId('event').filter({ hasText: `backend ${redisA.address} of "cache" drained` });
  await expect(drained.first()).toHaveAttribute('data-kind', 'backend-drained');
  await screenshot(page, testInfo, 'drain-done');

  // The other backend's connections were never touched.
  await clients.pingAll();
  await during.pingAll();
  const b = await fulcrum.api.backendStats(service.id, redisB.address);
  expect(b?.active).toBe(12 - atA.length + 4);
});
