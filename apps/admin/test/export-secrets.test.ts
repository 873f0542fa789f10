// `fulcrum export` leaves health-check passwords out unless --with-secrets asks for them, and
// either export imports back with the password kept (the real command, in child processes).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, runToEnd } from './cli-helpers.ts';
import { freePort, tempDir } from './helpers.ts';

const SECRET = 'pw-for-the-checker-77';
const cleanup: (() => void)[] = [];
afterEach(() => {
  killChildren();
  for (const fn of cleanup.splice(0).reverse()) fn();
});

describe('fulcrum export and health-check passwords', { timeout: 120_000 }, () => {
  it('omits the password (passwordSet: true) by default and includes it with --with-secrets', async () => {
    const d = tempDir();
    cleanup.push(d.remove);
    const file = join(d.dir, 'in.json');
    const healthCheck = { type: 'postgres', role: 'primary', user: 'checker', password: SECRET };
    writeFileSync(file, JSON.stringify({ version: 1, services: [{ name: 'pg-write', listen: `127.0.0.1:${await freePort()}`, healthCheck }] }));
    expect((await runToEnd(['import', file, '--data', d.dir])).code).toBe(0);

    const plain = await runToEnd(['export', '--format', 'json', '--data', d.dir]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain(SECRET);
    expect(JSON.parse(plain.stdout).services[0].healthCheck).toMatchObject({ role: 'primary', user: 'checker', passwordSet: true });

    const secret = await runToEnd(['export', '--format', 'json', '--with-secrets', '--data', d.dir]);
    expect(JSON.parse(secret.stdout).services[0].healthCheck).toMatchObject({ passwordSet: true, password: SECRET });

    // The export without secrets, imported back, keeps the stored password.
    writeFileSync(file, plain.stdout);
    expect((await runToEnd(['import', file, '--data', d.dir])).stderr).toContain('0 updated, 0 deleted, 1 unchanged');
    expect((await runToEnd(['export', '--format', 'json', '--with-secrets', '--data', d.dir])).stdout).toBe(secret.stdout);
  });
});
