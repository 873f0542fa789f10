// The production build: apps/admin/scripts/build.ts (what `pnpm build` runs) compiles into a temp
// dir, and bin/fulcrum.js there runs it with a hook that refuses any TypeScript module, in one
// process and with two engine workers, proxying redis-cli to a real redis-server.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../scripts/build.ts';
import type { ClusterInfo } from '../src/cluster/workers-info.ts';
import { killChildren, runNode } from './cli-helpers.ts';
import { eventually, freePort, tempDir } from './helpers.ts';

const ADMIN_DIR = fileURLToPath(new URL('..', import.meta.url));
const REFUSE_TS = pathToFileURL(fileURLToPath(new URL('./fixtures/refuse-typescript.js', import.meta.url))).href;
const RECORD_MODULES = pathToFileURL(fileURLToPath(new URL('./fixtures/record-modules.js', import.meta.url))).href;
/** Modules a relay-only worker must not load (issue 14, fixed memory): the admin's HTTP stack, its stores, the pg client. */
const NOT_IN_A_WORKER = /\/node_modules\/(fastify|@fastify\/[^/]+|better-sqlite3|pg|prom-client|pino|yaml)\/|\/dist\/(app|server|cli)\.js$|\/dist\/(store|routes|history|live|http|fleet)\//;
const TOKEN = 'built-cli-token-0123456789';

const redisCli = async (port: number, ...args: string[]): Promise<string> =>
  (await promisify(execFile)('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 })).stdout.trim();

let root: string;
let redis: ChildProcess;
let redisPort: number;

beforeAll(async () => {
  // Outside the repository, like an installed copy; node_modules links to the admin's for fastify & co.
  root = mkdtempSync(join(tmpdir(), 'fulcrum-build-'));
  await buildServer(join(root, 'dist'));
  symlinkSync(join(ADMIN_DIR, 'node_modules'), join(root, 'node_modules'), 'dir');
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(ADMIN_DIR, 'bin/fulcrum.js'), join(root, 'bin/fulcrum.js'));

  redisPort = await freePort();
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(() => redisCli(redisPort, 'PING').then((r) => r === 'PONG', () => false));
}, 120_000);

afterEach(() => killChildren());

afterAll(() => {
  if (redis?.pid !== undefined && redis.exitCode === null) process.kill(redis.pid, 'SIGKILL');
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the built fulcrum command', () => {
  it.each([1, 2])('runs as plain JavaScript with --workers %i and proxies redis-cli to redis-server', async (workers) => {
    const data = tempDir();
    const adminPort = await freePort();
    const listenPort = await freePort();
    const f = runNode(
      ['--import', REFUSE_TS, join(root, 'bin/fulcrum.js'), '--data', data.dir, '--admin', `127.0.0.1:${adminPort}`,
        '--listen', `127.0.0.1:${listenPort}`, '--backend', `127.0.0.1:${redisPort}`, '--workers', String(workers)],
      { FULCRUM_ADMIN_TOKEN: TOKEN },
    );
    try {
      await f.waitFor(/fulcrum: dashboard http:\/\/127\.0\.0\.1:\d+\/\n/);
      const key = `built-${workers}`;
      // The first connections may arrive before the health check has seen redis up.
      await eventually(() => redisCli(listenPort, 'SET', key, 'through the build').then((r) => r === 'OK', () => false));
      expect(await redisCli(redisPort, 'GET', key)).toBe('through the build');
      expect(await redisCli(listenPort, 'GET', key)).toBe('through the build');

      const info = (await (await fetch(`http://127.0.0.1:${adminPort}/api/workers`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as ClusterInfo;
      if (workers === 1) {
        expect(info.mode).toBe('single');
      } else {
        expect(info.mode).toBe('cluster');
        expect(info.workers).toHaveLength(2);
        for (const w of info.workers) {
          expect(readFileSync(`/proc/${w.pid}/cmdline`, 'utf8').split('\0')).toContain(join(root, 'dist/cluster/worker-main.js'));
        }
      }

      process.kill(f.child.pid!, 'SIGTERM');
      expect(await f.exit()).toBe(0);
      expect(f.stderr()).toBe(''); // refuse-typescript would have named any .ts module here
    } finally {
      data.remove();
    }
  }, 90_000);

  it('runs relay workers without the admin: no Fastify, SQLite, pg or admin module loaded in a worker process', async () => {
    const data = tempDir();
    const moduleLog = join(data.dir, 'modules.log');
    const adminPort = await freePort();
    const listenPort = await freePort();
    const f = runNode(
      ['--import', RECORD_MODULES, join(root, 'bin/fulcrum.js'), '--data', join(data.dir, 'data'), '--admin', `127.0.0.1:${adminPort}`,
        '--listen', `127.0.0.1:${listenPort}`, '--backend', `127.0.0.1:${redisPort}`, '--workers', '2'],
      { FULCRUM_ADMIN_TOKEN: TOKEN, FULCRUM_TEST_MODULE_LOG: moduleLog },
    );
    try {
      await f.waitFor(/fulcrum: dashboard http:\/\/127\.0\.0\.1:\d+\/\n/);
      // The workers relay: a request through them proves they are fully started.
      await eventually(() => redisCli(listenPort, 'PING').then((r) => r === 'PONG', () => false));
      const info = (await (await fetch(`http://127.0.0.1:${adminPort}/api/workers`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as ClusterInfo;
      expect(info.workers).toHaveLength(2);

      const loaded = new Map<number, string[]>();
      for (const line of readFileSync(moduleLog, 'utf8').trim().split('\n')) {
        const [pid, url] = line.split(' ') as [string, string];
        loaded.set(Number(pid), [...(loaded.get(Number(pid)) ?? []), url]);
      }
      // The recorder sees what it must: the primary loads the admin, every worker the engine.
      expect(loaded.get(f.child.pid!)?.some((url) => url.includes('/node_modules/fastify/'))).toBe(true);
      for (const w of info.workers) {
        const urls = loaded.get(w.pid) ?? [];
        expect(urls).toContain(pathToFileURL(join(root, 'dist/cluster/worker-main.js')).href);
        expect(urls).toContain(pathToFileURL(join(root, 'dist/node_modules/@fulcrum/engine/index.js')).href);
        expect(urls.filter((url) => NOT_IN_A_WORKER.test(url))).toEqual([]);
      }

      process.kill(f.child.pid!, 'SIGTERM');
      expect(await f.exit()).toBe(0);
    } finally {
      data.remove();
    }
  }, 90_000);

  it('says how to build when there is no build', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'fulcrum-unbuilt-'));
    try {
      mkdirSync(join(bare, 'bin'));
      copyFileSync(join(ADMIN_DIR, 'bin/fulcrum.js'), join(bare, 'bin/fulcrum.js'));
      const f = runNode([join(bare, 'bin/fulcrum.js'), '--help']);
      expect(await f.exit()).toBe(1);
      expect(f.stderr()).toBe('fulcrum: not built yet: run `pnpm build` in the repository root (or run from source: node --import tsx apps/admin/src/cli.ts)\n');
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
