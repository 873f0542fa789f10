// Role-aware health check in the console: create a Redis "write endpoint" in the service form
// (role primary, ACL user, password), see the replica down and the primary up, edit the service
// without retyping the password (it is kept, never shown), then fail over and watch it follow.
import { execFileSync } from 'node:child_process';
import { addBackend, backendCell, screenshot, signIn } from '../fixtures/console-page.ts';
import { freePort } from '../fixtures/free-port.ts';
import { expect, test } from '../fixtures/test.ts';

const PASSWORD = 'console-check-pw';
const TRAFFIC = 'traffic-pw';
/** redis-cli as the default user; after requirepass with its password. */
const cli = (port: number, ...args: string[]) =>
  execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--no-auth-warning', ...(locked.has(port) ? ['-a', TRAFFIC] : []), ...args], { encoding: 'utf8' }).trim();
const locked = new Set<number>();

test('redis write endpoint from the console form follows a failover; the password stays write-only', async ({ page, fulcrum, startRedis }, testInfo) => {
  const [a, b] = await Promise.all([startRedis(), startRedis()]);
  for (const r of [a, b]) {
    // Replication straight from the socket: no dump.rdb in the working directory ('dir' is protected config).
    expect(cli(r.port, 'CONFIG', 'SET', 'repl-diskless-sync', 'yes', 'repl-diskless-load', 'swapdb')).toBe('OK');
    // Clients (and replication) need the default user's password; the check logs in as `checker`.
    expect(cli(r.port, 'ACL', 'SETUSER', 'checker', 'on', `>${PASSWORD}`, '+auth', '+ping', '+role')).toBe('OK');
    expect(cli(r.port, 'CONFIG', 'SET', 'masterauth', TRAFFIC)).toBe('OK');
    expect(cli(r.port, 'CONFIG', 'SET', 'requirepass', TRAFFIC)).toBe('OK');
    locked.add(r.port);
  }
  expect(cli(b.port, 'REPLICAOF', '127.0.0.1', String(a.port))).toBe('OK');
  const listen = `127.0.0.1:${await freePort()}`;

  await signIn(page, fulcrum.url, fulcrum.token);
  await test.step('create the service with role, ACL user and password in the form', async () => {
    await page.getByRole('button', { name: 'New service' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('redis-write');
    await dialog.getByLabel('Listen address').fill(listen);
    await dialog.getByLabel('Check type').selectOption('redis');
    await dialog.getByLabel('Interval (ms)').fill('300');
    await dialog.getByLabel('Role').selectOption('primary');
    await dialog.getByLabel('ACL username').fill('checker');
    await dialog.getByLabel('Password').fill(PASSWORD);
    await screenshot(page, testInfo, 'role-check-form');
    await dialog.getByRole('button', { name: 'Create service' }).click();
    await expect(dialog).toBeHidden();
    const [service] = await fulcrum.api.services();
    expect(service?.healthCheck).toMatchObject({ type: 'redis', role: 'primary', username: 'checker', passwordSet: true });
    expect(JSON.stringify(service)).not.toContain(PASSWORD);
  });

  await test.step('the primary is up, the replica down', async () => {
    await addBackend(page, a.address);
    await addBackend(page, b.address);
    await expect(backendCell(page, a.address, 'health')).toHaveText('up');
    await expect(backendCell(page, b.address, 'health')).toHaveText('down');
  });

  await test.step('editing without retyping the password keeps it', async () => {
    await page.getByRole('button', { name: 'Edit service' }).click();
    const dialog = page.getByRole('dialog');
    const password = dialog.getByLabel('Password');
    await expect(password).toHaveValue('');
    await expect(password).toHaveAccessibleDescription(/stored; leave empty to keep it/);
    await dialog.getByLabel('Fall').fill('2');
    await dialog.getByRole('button', { name: /Save/ }).click();
    // The review step lists the changes; nothing is sent before Apply.
    await dialog.getByRole('button', { name: 'Apply changes' }).click();
    await expect(dialog).toBeHidden();
    const [service] = await fulcrum.api.services();
    expect(service?.healthCheck).toMatchObject({ fall: 2, passwordSet: true });
    // Still logging in: without the password ROLE gets NOAUTH and the primary would go down.
    await expect(backendCell(page, a.address, 'health')).toHaveText('up');
  });

  await test.step('failover: the service follows by itself', async () => {
    expect(cli(b.port, 'REPLICAOF', 'NO', 'ONE')).toBe('OK');
    expect(cli(a.port, 'REPLICAOF', '127.0.0.1', String(b.port))).toBe('OK');
    await expect(backendCell(page, b.address, 'health')).toHaveText('up');
    await expect(backendCell(page, a.address, 'health')).toHaveText('down');
    await screenshot(page, testInfo, 'role-check-followed');
  });
});
