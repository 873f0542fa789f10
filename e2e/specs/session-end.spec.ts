// A session ends everywhere at once: two tabs share one session (one browser context, one
// cookie); logging out in one makes the other show the sign-in page — pushed by the admin closing
// that session's WebSockets with 4401, not discovered at the next click — and it does not keep
// reconnecting. Revoking the token a console signed in with does the same.
import type { Page } from '@playwright/test';
import { screenshot, signIn } from '../fixtures/console-page.ts';
import { expect, test } from '../fixtures/test.ts';

/** Counts the WebSockets a page opens from now on. */
function countSockets(page: Page): { readonly opened: number } {
  const counter = { opened: 0 };
  page.on('websocket', () => counter.opened++);
  return counter;
}

async function expectSignInPage(page: Page): Promise<void> {
  await expect(page.getByLabel('Admin token')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Your session ended' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
}

test('logging out in one tab shows the sign-in page in the other tab of the same session', async ({ page, fulcrum }, testInfo) => {
  await signIn(page, fulcrum.url, fulcrum.token);
  const other = await page.context().newPage();
  await other.goto(fulcrum.url);
  // Same cookie: already signed in, streaming.
  await expect(other.getByTestId('live-indicator')).toHaveText('Live', { timeout: 15_000 });
  await expect(other.getByRole('button', { name: 'Log out' })).toBeVisible();
  const sockets = countSockets(other);

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByLabel('Admin token')).toBeVisible();

  // No click, no reload in the other tab: the admin's close (4401) is what brings it here.
  await expectSignInPage(other);
  expect(sockets.opened, 'the other tab tried to reconnect with the ended session').toBe(0);
  await screenshot(other, testInfo, 'session-ended-other-tab');

  // And it can sign in again from there.
  await other.getByLabel('Admin token').fill(fulcrum.token);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other.getByTestId('live-indicator')).toHaveText('Live', { timeout: 15_000 });
});

test('revoking the token a console signed in with shows it the sign-in page', async ({ page, fulcrum }) => {
  const ops = await fulcrum.api.createToken('ops');
  await signIn(page, fulcrum.url, ops.token);
  const sockets = countSockets(page);
  await fulcrum.api.revokeToken(ops.id);
  await expectSignInPage(page);
  expect(sockets.opened).toBe(0);
});
