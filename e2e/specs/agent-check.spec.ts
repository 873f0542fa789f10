// Agent check in the console: set it in the service form, watch a real agent (a node:net server
// answering one line) drain a backend with its reason in the row, then bring it back at half its weight.
import net from 'node:net';
import { once } from 'node:events';
import { backendCell, backendRow, screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

test('an agent drains a backend and lowers its weight; the row shows what it said and why', async ({ page, fulcrum }, testInfo) => {
  const agent = { line: 'drain # deploy 42' };
  const servers = [0, 1, 2].map(() =>
    net.createServer((s) => {
      s.on('error', () => {});
      s.end(`${agent.line}\n`);
    }),
  );
  try {
    const ports: number[] = [];
    for (const server of servers) {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      ports.push((server.address() as net.AddressInfo).port);
    }
    // Two of them stand in for backends (nothing is proxied here); the third is the agent.
    const [b1, b2, agentPort] = ports as [number, number, number];
    const a1 = `127.0.0.1:${b1}`;
    await fulcrum.api.createService({
      name: 'web',
      listen: `127.0.0.1:${await freePort()}`,
      healthCheck: { type: 'none' },
      backends: [{ address: a1, weight: 4 }, { address: `127.0.0.1:${b2}` }],
    });
    await signIn(page, fulcrum.url, fulcrum.token, 'web');

    await page.getByRole('button', { name: 'Edit service' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Agent port').fill(String(agentPort));
    await dialog.getByLabel('Agent interval (ms)').fill('200');
    await dialog.getByRole('button', { name: /Save/ }).click();
    // The review step lists the changes; nothing is sent before Apply.
    await dialog.getByRole('button', { name: 'Apply changes' }).click();
    await expect(dialog).toBeHidden();
    expect((await fulcrum.api.services())[0]?.agentCheck).toEqual({ port: agentPort, intervalMs: 200 });

    // Beside the health badge (the `health` test id is the badge itself since the health detail).
    const badge = backendRow(page, a1).getByTestId('agent');
    await expect(badge).toHaveAttribute('data-agent-state', 'drain');
    await expect(badge).toContainText('agent drain');
    await expect(backendRow(page, a1).getByTestId('agent-reason')).toHaveText('deploy 42');
    await expect(page.getByTestId('service-up')).toHaveText('0/2');
    await screenshot(page, testInfo, 'agent-drain');

    // ready undoes drain (up alone would not: two separate switches, as in HAProxy).
    agent.line = 'ready 50%';
    await expect(badge).toContainText('agent ready 50%');
    await expect(backendCell(page, a1, 'weight')).toContainText('eff. 2');
    await expect(page.getByTestId('service-up')).toHaveText('2/2');
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
});
