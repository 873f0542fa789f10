// Revert from an audit event: the events view offers "Revert…" on service and backend setting
// changes, shows what will be put back against the running configuration, applies it through the
// API with If-Match, and refuses (saying why, applying nothing) when a setting it would put back
// was changed again since.
import type { EventDto } from '../../packages/shared/src/api.ts';
import { screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

test('a change is reverted from its event, and a revert after a newer change is refused', async ({ page, fulcrum, startRedis }, testInfo) => {
  const redis = await startRedis();
  const service = await fulcrum.api.createService({
    name: 'cache',
    listen: `127.0.0.1:${await freePort()}`,
    healthCheck: { type: 'redis', intervalMs: 500, rise: 1, fall: 2 },
    backends: [{ address: redis.address }],
  });
  const backendId = service.backends[0]!.id;
  await fulcrum.api.patchService(service.id, { retries: 5, healthCheck: { intervalMs: 800 } });
  await fulcrum.api.patchBackend(service.id, backendId, { weight: 4, state: 'draining' });
  const newest = async (kind: string): Promise<EventDto> => (await fulcrum.api.eventsOfKind(kind))[0]!;
  const serviceChange = await newest('service-updated');
  const backendChange = await newest('backend-updated');

  await signIn(page, fulcrum.url, fulcrum.token);
  await page.getByTestId('events-link').click();
  const results = page.getByTestId('events-results');
  const line = (id: number) => results.locator(`[data-testid="event"][data-id="${id}"]`);
  const dialog = page.getByRole('dialog', { name: 'Revert this change' });

  await test.step('only setting changes offer a revert', async () => {
    await expect(line(serviceChange.id).getByTestId('event-revert')).toBeVisible();
    const created = await newest('service-created');
    await expect(line(created.id)).toBeVisible();
    await expect(line(created.id).getByTestId('event-revert')).toHaveCount(0);
  });

  await test.step('a service change (a backend changed since, which it leaves alone): the dialog shows what comes back, Revert applies it', async () => {
    await line(serviceChange.id).getByTestId('event-revert').click();
    await expect(dialog.locator('[data-path="retries"]')).toContainText(/retries\s*5\s*→\s*2/);
    await expect(dialog.locator('[data-path="healthCheck.intervalMs"]')).toContainText(/800\s*→\s*500/);
    await screenshot(page, testInfo, 'revert-service-change');
    await dialog.getByTestId('revert-confirm').click();
    await expect(dialog).toBeHidden();
    const now = await fulcrum.api.serviceNamed('cache');
    expect(now.retries).toBe(2);
    expect(now.healthCheck.intervalMs).toBe(500);
    // The revert is audited like any change.
    await expect.poll(async () => (await newest('service-updated')).details).toMatchObject({ changes: { retries: { from: 5, to: 2 } } });
  });

  await test.step('a backend weight and state change is reverted on the backend', async () => {
    await line(backendChange.id).getByTestId('event-revert').click();
    await expect(dialog.getByTestId('diff-row')).toHaveCount(2);
    await expect(dialog.locator('[data-path="state"]')).toContainText(/draining\s*→\s*enabled/);
    await dialog.getByTestId('revert-confirm').click();
    await expect(dialog).toBeHidden();
    const [backend] = (await fulcrum.api.serviceNamed('cache')).backends;
    expect(backend).toMatchObject({ weight: 1, state: 'enabled' });
  });

  await test.step('a revert after a newer change of the same setting is refused, and nothing is applied', async () => {
    await fulcrum.api.patchService(service.id, { strategy: 'random' });
    const older = await newest('service-updated');
    await fulcrum.api.patchService(service.id, { strategy: 'least-connections' });
    const newer = await newest('service-updated');
    await expect(line(newer.id)).toBeVisible();
    // Same kind and service within a minute: the older change sits in the newest one's burst.
    if (!(await line(older.id).isVisible())) await results.getByTestId('event-row').filter({ has: page.locator(`[data-testid="event"][data-id="${newer.id}"]`) }).getByTestId('event-burst').click();
    await line(older.id).getByTestId('event-revert').click();
    const refusal = dialog.getByTestId('revert-error');
    await expect(refusal).toContainText('Changed again after this event: strategy is least-connections now (this change set random)');
    await expect(refusal).toContainText('nothing is applied');
    await expect(dialog.getByTestId('revert-confirm')).toBeDisabled();
    await screenshot(page, testInfo, 'revert-refused');
    expect((await fulcrum.api.serviceNamed('cache')).strategy).toBe('least-connections');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
  });
});
