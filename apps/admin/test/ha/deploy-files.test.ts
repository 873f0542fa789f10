// deploy/ as shipped, where no namespaces are needed: keepalived's check script against a real
// admin and real sockets on loopback, and the numbers in the systemd unit that must agree.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort, startApp, startTcpServer } from '../helpers.ts';

const DEPLOY = fileURLToPath(new URL('../../../../deploy/', import.meta.url));
const CHECK = join(DEPLOY, 'keepalived/check-fulcrum.sh');
const UNIT = readFileSync(join(DEPLOY, 'systemd/fulcrum.service'), 'utf8');

/** Runs check-fulcrum.sh and resolves with its exit code. */
function check(...args: string[]): Promise<number> {
  return new Promise((resolve) => {
    execFile(CHECK, args, { timeout: 10_000 }, (error) => resolve(error ? Number(error.code ?? -1) : 0));
  });
}

describe('check-fulcrum.sh', () => {
  it('health: 0 on a real admin answering GET /api/health, non-zero once it is gone', async () => {
    const t = await startApp();
    let closed = false;
    try {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
      expect(await check('health', url)).toBe(0);
      await t.close();
      closed = true;
      expect(await check('health', url)).not.toBe(0);
    } finally {
      if (!closed) await t.close();
    }
  });

  it('alive: 0 while the admin port keeps its connection open, 1 when refused or when the connection is closed', async () => {
    const open = await startTcpServer(() => {});
    const closing = await startTcpServer((socket) => socket.destroy());
    try {
      expect(await check('alive', `http://127.0.0.1:${open.port}`)).toBe(0);
      expect(await check('alive', `https://127.0.0.1:${open.port}/`)).toBe(0);
      // Closed while held: a timeout would have said 0, so the 1 is the close being noticed.
      expect(await check('alive', `http://127.0.0.1:${closing.port}`)).toBe(1);
      expect(await check('alive', `http://127.0.0.1:${await freePort()}`)).toBe(1);
    } finally {
      await open.close();
      await closing.close();
    }
  });

  it('usage errors exit 2', async () => {
    expect(await check()).toBe(2);
    expect(await check('ready', 'http://127.0.0.1:8080')).toBe(2);
    expect(await check('alive')).toBe(2);
  });
});

describe('fulcrum.service', () => {
  const setting = (key: string) => UNIT.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1];

  it('gives systemd more time to stop than Fulcrum may take to drain', () => {
    const drainMs = Number(setting('ExecStart')?.match(/--shutdown-timeout (\d+)/)?.[1]);
    const stopMs = Number(setting('TimeoutStopSec')?.replace(/s$/, '')) * 1000;
    expect(drainMs).toBeGreaterThan(0);
    expect(stopMs).toBeGreaterThan(drainMs);
    expect(setting('KillSignal')).toBe('SIGTERM');
    expect(setting('Restart')).toBe('always');
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('is a unit systemd accepts (systemd-analyze verify)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fulcrum-unit-'));
    try {
      // verify wants ExecStart's program to exist; everything else is checked as shipped.
      const unit = join(dir, 'fulcrum.service');
      writeFileSync(unit, UNIT.replace('/usr/local/bin/fulcrum', '/bin/true'));
      const output = await new Promise<string>((resolve) => {
        execFile('systemd-analyze', ['verify', unit], { timeout: 20_000 }, (error, stdout, stderr) => resolve(`${error ? `exit ${String(error.code)}\n` : ''}${stdout}${stderr}`));
      });
      expect(output.trim()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
