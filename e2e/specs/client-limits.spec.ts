// `limits` in the console: the service form's "How much one client may take" fields are checked
// with the admin's ranges (nothing saved on a bad value), a good value reaches the API and the
// header, and a client over its limit shows up live in the rejected-by-reason line.
import net from 'node:net';
import { once } from 'node:events';
import { screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

test('service form: limits are validated, saved, shown, and refusals counted live', async ({ page, fulcrum }, testInfo) => {
  const echo = net.createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const clients: net.Socket[] = [];
  try {
    const port = await freePort();
    const backend = `127.0.0.1:${(echo.address() as net.AddressInfo).port}`;
    await fulcrum.api.createService({ name: 'db', listen: `127.0.0.1:${port}`, healthCheck: { type: 'none' }, backends: [{ address: backend }] });
    await signIn(page, fulcrum.url, fulcrum.token, 'db');
    await expect(page.getByTestId('service-limits')).toHaveText('none');
    await page.getByRole('button', { name: 'Edit service' }).click();
    const dialog = page.getByRole('dialog');
    const perClient = dialog.getByLabel('Connections per client');
    const table = dialog.getByLabel('Client table size');
    await expect(perClient).toHaveValue('');
    await expect(table).toHaveValue('100000');

    await test.step('a zero limit and a tiny table are refused at the field, nothing saved', async () => {
      await perClient.fill('0');
      await table.fill('5');
      await dialog.getByRole('button', { name: /Save/ }).click();
      await expect(perClient).toHaveAccessibleDescription(/Connections per client must be at least 1/);
      await screenshot(page, testInfo, 'client-limits-errors');
      const [service] = await fulcrum.api.services();
      expect(service?.limits.perClientConnections).toBeNull();
    });

    await test.step('a good value is saved and shown in the header', async () => {
      await perClient.fill('1');
      await table.fill('100000');
      await dialog.getByRole('button', { name: /Save/ }).click();
      // The review step lists the change; nothing is sent before Apply.
      await expect(dialog.getByText('limits.perClientConnections')).toBeVisible();
      await dialog.getByRole('button', { name: 'Apply changes' }).click();
      await expect(dialog).toBeHidden();
      const [service] = await fulcrum.api.services();
      expect(service?.limits).toMatchObject({ perClientConnections: 1, perClientRate: null, serviceRate: null, ipv6Prefix: 64, tableSize: 100000 });
      await expect(page.getByTestId('service-limits')).toHaveText('1 at once per client');
    });

    await test.step('a second connection of one client is refused and counted live', async () => {
      const connect = async () => {
        const s = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
        s.on('error', () => {});
        clients.push(s);
        await once(s, 'connect');
        return s;
      };
      const first = await connect();
      first.write('x');
      await once(first, 'data');
      const second = await connect();
      await once(second, 'close');
      await expect(page.getByTestId('service-rejected-by-reason')).toContainText('1 over connections per client');
      await screenshot(page, testInfo, 'client-limits-refused');
    });
  } finally {
    for (const s of clients) s.destroy();
    echo.close();
  }
});
