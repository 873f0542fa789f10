// Bad input in the console's forms: the error appears next to the field it is about (and is
// that field's accessible description), and nothing reaches the configuration.
import net from 'node:net';
import { once } from 'node:events';
import type { Page } from '@playwright/test';
import { backendRow, screenshot, signIn, submitBackend } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

/** The configuration as the API reports it, minus the version counter. */
async function snapshot(api: { services(): Promise<Array<{ version: number }>> }): Promise<unknown> {
  return (await api.services()).map(({ version: _version, ...rest }) => rest);
}

async function rowCount(page: Page): Promise<number> {
  return page.getByTestId('backends-table').locator('tbody tr').count();
}

test('add-backend form: invalid address, port out of range, duplicate and bad weight are refused at the field', async ({ page, fulcrum }, testInfo) => {
  const listen = `127.0.0.1:${await freePort()}`;
  const existing = `127.0.0.1:${await freePort()}`;
  await fulcrum.api.createService({ name: 'cache', listen, healthCheck: { type: 'none' }, backends: [{ address: existing }] });
  const before = await snapshot(fulcrum.api);

  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await expect(backendRow(page, existing)).toBeVisible();
  const form = page.getByTestId('add-backend-form');
  const address = form.getByLabel('Backend address');
  const weight = form.getByLabel('Weight', { exact: true });

  const addressCases: Array<{ input: string; error: RegExp }> = [
    { input: 'not-an-address', error: /Invalid address: must be "host:port"/ },
    { input: '127.0.0.1:70000', error: /port 70000 is out of range \(1-65535\)/ },
    { input: '127.0.0.1:0', error: /port 0 is out of range/ },
    { input: '300.1.1.1:6379', error: /"300\.1\.1\.1" is not a valid host name or IPv4 address/ },
    { input: 'bad_host!:6379', error: /is not a valid host name/ },
    { input: existing, error: new RegExp(`${existing.replace(/\./g, '\\.')} is already a backend of this service`) },
    { input: ` ${existing} `, error: /is already a backend of this service/ },
    { input: '   ', error: /Enter the backend as host:port/ },
  ];
  for (const { input, error } of addressCases) {
    await test.step(`address ${JSON.stringify(input)}`, async () => {
      await submitBackend(page, input, '1');
      const message = form.getByTestId('address-error');
      await expect(message).toHaveText(error);
      await expect(address).toHaveAttribute('aria-invalid', 'true');
      await expect(address).toHaveAccessibleDescription(error);
      await expect(form.getByTestId('weight-error')).toHaveCount(0);
      expect(await rowCount(page)).toBe(1);
      expect(await snapshot(fulcrum.api)).toEqual(before);
    });
  }
  await screenshot(page, testInfo, 'bad-input-backend-address');

  await test.step('weight that is not a number is refused in the form', async () => {
    await submitBackend(page, `127.0.0.1:${await freePort()}`, 'abc');
    await expect(form.getByTestId('weight-error')).toHaveText(/whole number/);
    await expect(weight).toHaveAccessibleDescription(/whole number/);
    await expect(form.getByTestId('address-error')).toHaveCount(0);
    expect(await snapshot(fulcrum.api)).toEqual(before);
  });

  await test.step('weight the server refuses (over 1000): its message lands next to the weight field', async () => {
    await submitBackend(page, `127.0.0.1:${await freePort()}`, '5000');
    await expect(form.getByTestId('weight-error')).toHaveText(/1000/);
    await expect(weight).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByTestId('add-backend-error')).toHaveCount(0);
    expect(await rowCount(page)).toBe(1);
    expect(await snapshot(fulcrum.api)).toEqual(before);
  });

  await test.step('a valid backend is still accepted afterwards', async () => {
    const good = `127.0.0.1:${await freePort()}`;
    await submitBackend(page, good, '3');
    await expect(backendRow(page, good)).toBeVisible();
    await expect(form.getByTestId('address-error')).toHaveCount(0);
    await expect(form.getByTestId('weight-error')).toHaveCount(0);
    const [service] = await fulcrum.api.services();
    expect(service?.backends.map((b) => [b.address, b.weight])).toEqual([
      [existing, 1],
      [good, 3],
    ]);
  });
});

test('add-backend form: a self-loop is refused at the field; another spelling and an unresolved name are added with a warning under the form', async ({ page, fulcrum }, testInfo) => {
  const port = await freePort();
  const existing = `127.0.0.1:${await freePort()}`;
  await fulcrum.api.createService({ name: 'cache', listen: `127.0.0.1:${port}`, idleTimeoutMs: 60000, healthCheck: { type: 'none' }, backends: [{ address: existing }] });
  const before = await snapshot(fulcrum.api);
  await signIn(page, fulcrum.url, fulcrum.token, 'cache');
  await expect(backendRow(page, existing)).toBeVisible();
  const form = page.getByTestId('add-backend-form');
  const warnings = form.getByTestId('add-backend-warnings');

  await test.step('every field of the form shows its label on one line and its value uncut', async () => {
    // The PROXY protocol select once got a leftover column: "servic" and a two-line label.
    const proxy = form.getByLabel('PROXY protocol');
    for (const mode of ['', 'v2']) {
      await proxy.selectOption(mode);
      // Room left in the select for its shown text, measured with the select's own font (through
      // ownerDocument: this package's TypeScript has no DOM globals).
      const room = await proxy.evaluate((el) => {
        const doc = el.ownerDocument;
        const style = doc.defaultView?.getComputedStyle(el);
        const context = doc.createElement('canvas').getContext('2d');
        const shown = el.tagName === 'SELECT' ? (el as unknown as { selectedOptions: ArrayLike<{ text: string }> }).selectedOptions[0]?.text : undefined;
        if (!style || !context || shown === undefined) return null;
        context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        return el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - context.measureText(shown).width;
      });
      expect(room).toBeGreaterThanOrEqual(0);
    }
    await proxy.selectOption('');
    const heights = await form.locator('.field-label').evaluateAll((labels) => labels.map((l) => l.getBoundingClientRect().height));
    expect(new Set(heights).size).toBe(1);
    const address = await form.getByLabel('Backend address').boundingBox();
    expect(address?.width).toBeGreaterThanOrEqual(200);
  });

  await test.step('the service\'s own listen address is refused next to the address field', async () => {
    await submitBackend(page, `localhost:${port}`);
    await expect(form.getByTestId('address-error')).toHaveText(/own listen address .*loop back into Fulcrum/);
    await expect(form.getByLabel('Backend address')).toHaveAttribute('aria-invalid', 'true');
    expect(await snapshot(fulcrum.api)).toEqual(before);
  });

  await test.step('another spelling of an existing backend is added, and the console says so', async () => {
    const spelling = existing.replace('127.0.0.1', 'localhost');
    // While typing, before anything is sent, the form already warns (non-blocking).
    await form.getByLabel('Backend address').fill(spelling);
    await expect(form.getByTestId('add-backend-hints').locator('li[data-code="SAME_ENDPOINT"]')).toContainText(`same endpoint as ${existing}`);
    await submitBackend(page, spelling);
    await expect(backendRow(page, spelling)).toBeVisible();
    await expect(warnings.locator('li[data-code="SAME_ENDPOINT"]')).toHaveText(new RegExp(`is the same endpoint as backend ${existing.replace(/\./g, '\\.')}`));
    await expect(page.getByTestId('toasts')).toContainText('added, with a warning');
  });

  await test.step('a host name that does not resolve is added with a warning', async () => {
    await submitBackend(page, 'nowhere.invalid:6379');
    await expect(backendRow(page, 'nowhere.invalid:6379')).toBeVisible();
    await expect(warnings.locator('li[data-code="UNRESOLVED_HOST"]')).toHaveText(/host "nowhere\.invalid" does not resolve/);
    await expect(warnings.locator('li')).toHaveCount(1);
    await screenshot(page, testInfo, 'add-backend-warning');
  });

  await test.step('the note goes away with the next edit', async () => {
    await form.getByLabel('Backend address').fill('1');
    await expect(warnings).toHaveCount(0);
  });
});

test('service form: missing, malformed, duplicate and refused values are shown at the field', async ({ page, fulcrum }, testInfo) => {
  const listen = `127.0.0.1:${await freePort()}`;
  await fulcrum.api.createService({ name: 'cache', listen, healthCheck: { type: 'none' } });
  const before = await snapshot(fulcrum.api);
  // A port held by another process: only the server can know it is taken.
  const squatter = net.createServer();
  squatter.listen(0, '127.0.0.1');
  await once(squatter, 'listening');
  const takenPort = (squatter.address() as net.AddressInfo).port;

  try {
    await signIn(page, fulcrum.url, fulcrum.token);
    await page.getByRole('button', { name: 'New service' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    const name = dialog.getByLabel('Name');
    const listenField = dialog.getByLabel('Listen address');
    const create = dialog.getByRole('button', { name: 'Create service' });

    const cases: Array<{ what: string; name: string; listen: string; interval?: string; field: 'name' | 'listen' | 'interval'; error: RegExp }> = [
      { what: 'empty name', name: '', listen: '127.0.0.1:7001', field: 'name', error: /Name is required/ },
      { what: 'name with a space', name: 'bad name', listen: '127.0.0.1:7001', field: 'name', error: /letters, digits/ },
      { what: 'duplicate name', name: 'cache', listen: '127.0.0.1:7001', field: 'name', error: /already exists/ },
      { what: 'listen not host:port', name: 'other', listen: 'nowhere', field: 'listen', error: /must be "host:port"/ },
      { what: 'listen port out of range', name: 'other', listen: '127.0.0.1:65536', field: 'listen', error: /out of range/ },
      { what: 'listen of another service', name: 'other', listen, field: 'listen', error: /already listens there/ },
      { what: 'listen port taken by another process (server check)', name: 'other', listen: `127.0.0.1:${takenPort}`, field: 'listen', error: /already in use/ },
      { what: 'health check interval below the server minimum', name: 'other', listen: '127.0.0.1:7001', interval: '50', field: 'interval', error: /at least 100/ },
    ];
    for (const c of cases) {
      await test.step(c.what, async () => {
        await name.fill(c.name);
        await listenField.fill(c.listen);
        await dialog.getByLabel('Interval (ms)').fill(c.interval ?? '2000');
        await create.click();
        const field = c.field === 'name' ? name : c.field === 'listen' ? listenField : dialog.getByLabel('Interval (ms)');
        await expect(field).toHaveAttribute('aria-invalid', 'true');
        await expect(field).toHaveAccessibleDescription(c.error);
        await expect(dialog.getByRole('alert').filter({ hasText: c.error })).toBeVisible();
        await expect(dialog).toBeVisible();
        expect(await snapshot(fulcrum.api)).toEqual(before);
      });
    }
    await screenshot(page, testInfo, 'bad-input-service-form');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect(await snapshot(fulcrum.api)).toEqual(before);
    await expect(page.getByTestId('service-list').getByRole('listitem')).toHaveCount(1);
  } finally {
    squatter.close();
  }
});
