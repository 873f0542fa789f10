// Hand-over to a successor process (`fulcrum upgrade`, SIGUSR2; SIGHUP with the engine in one
// process): while new connections keep arriving and long-lived ones keep echoing, a new process
// takes over the listening sockets and the admin; nothing may be refused or cut, the old process
// drains and exits once its last connection closes. And a successor that cannot start changes nothing.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { eventually, freePort, startEchoServer, tempDir } from '../helpers.ts';
import type { Fulcrum } from '../cluster/harness.ts';
import { EchoConnection, TrafficPacer, childPids, cleanup, createService, echoOnce, isRunning, onCleanup, startFulcrum, trackPid, TOKEN } from '../cluster/harness.ts';

afterAll(cleanup);

const ADMIN_DIR = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ADMIN_DIR, 'src/cli.ts');
const LONG_LIVED = 20;
const CHURN_LANES = 6;
/** Round trips each long-lived connection makes after the hand-over, on the old process. */
const ROUNDS_AFTER = 3;

async function fulcrumCommand(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ADMIN_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out };
}

const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

const readPid = (dataDir: string): number => Number(readFileSync(join(dataDir, 'fulcrum.pid'), 'utf8').trim());

/**
 * Creates a service right after a hand-over. A keep-alive connection opened before it may still
 * reach the old process, which refuses changes with 503 UPGRADE_IN_PROGRESS and Connection: close;
 * the retry (as Retry-After asks) reaches the successor.
 */
async function createAfterHandover(f: Fulcrum, backendPort: number): Promise<{ port: number }> {
  const port = await freePort();
  const body = { name: `svc-${port}`, listen: `127.0.0.1:${port}`, healthCheck: { type: 'none' }, backends: [{ address: `127.0.0.1:${backendPort}` }] };
  let res = await f.api<{ code?: string }>('POST', '/api/services', body);
  if (res.status === 503) {
    expect(res.body.code).toBe('UPGRADE_IN_PROGRESS');
    res = await f.api('POST', '/api/services', body);
  }
  expect(res.status).toBe(201);
  return { port };
}

/** A "new version" that never says it serves: a hand-over to it waits. */
const HANGS_AT_START = 'await new Promise(() => { setInterval(() => {}, 1000); });\n';

/**
 * fulcrum run through an entry script the test can replace: a broken new version on disk.
 * `entry` runs fulcrum until `replace(source)` puts another script there; `successorOf(pid)`
 * waits for the child of `pid` that runs the entry script (tsx has a child of its own, esbuild:
 * the successor is the child running the entry script).
 */
function replaceableEntry(): { entry: string; replace: (source: string) => void; successorOf: (pid: number) => Promise<number> } {
  const dir = tempDir('fulcrum-entry-');
  onCleanup(dir.remove);
  const entry = join(dir.dir, 'fulcrum-entry.mts');
  writeFileSync(entry, `await import(${JSON.stringify(CLI)});\n`);
  return {
    entry,
    replace: (source) => writeFileSync(entry, source),
    successorOf: (pid) => eventually(() => childPids(pid).find((child) => cmdline(child).includes('fulcrum-entry'))),
  };
}

async function adminGet(port: number, path: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  await res.arrayBuffer();
  return res.status;
}

for (const workers of [undefined, 2]) {
  const mode = workers === undefined ? 'the engine in one process' : `--workers ${workers}`;
  it(`hands over to a new process under load without refusing or cutting a connection (${mode})`, async () => {
    const echo = await startEchoServer();
    onCleanup(() => echo.close());
    const f = await startFulcrum({ ...(workers ? { workers } : {}) });
    const { service, port } = await createService(f, [echo.port], { strategy: 'least-connections' });

    const long = await Promise.all(Array.from({ length: LONG_LIVED }, () => EchoConnection.open(port)));
    onCleanup(() => long.forEach((c) => c.close()));
    const hardStop = Date.now() + 50_000;
    let handedOver = false;
    let roundsAfter = 0;
    const longFailures: string[] = [];
    // Until the hand-over a long-lived client talks once per CHURN_LANES new connections served
    // (its turn comes from the churn lanes, so both kinds of traffic interleave through the
    // hand-over); after it, ROUNDS_AFTER round trips back to back, each sent when the previous
    // echo came.
    const pacer = new TrafficPacer(CHURN_LANES);
    const longLoops = long.map(async (conn, i) => {
      let after = 0;
      for (let k = 0; after < ROUNDS_AFTER && Date.now() < hardStop; k++) {
        try {
          await conn.roundTrip(`long-${i}-${k}\n`);
          if (handedOver) {
            roundsAfter++;
            after++;
          }
        } catch (err) {
          longFailures.push(`long ${i}: ${(err as Error).message}`);
          return;
        }
        await pacer.turn();
      }
    });
    // New connections and admin reads start continuously until the hand-over is done (≥ 3 s).
    const churnUntil = Date.now() + 3000;
    const failures: string[] = [];
    let churned = 0;
    let adminReads = 0;
    const busy = (): boolean => (Date.now() < churnUntil || !handedOver) && Date.now() < hardStop;
    const lanes = Array.from({ length: CHURN_LANES }, async () => {
      while (busy() && churned < 20_000) {
        try {
          const got = await echoOnce(port, 'new connection');
          if (got !== 'new connection') failures.push(`echo mismatch: ${got}`);
          churned++;
        } catch (err) {
          failures.push((err as NodeJS.ErrnoException).code ?? (err as Error).message);
        }
        pacer.served();
      }
    });
    const adminLane = (async () => {
      while (busy()) {
        try {
          const status = await adminGet(f.adminPort, '/api/services');
          if (status !== 200) failures.push(`admin GET: ${status}`);
          adminReads++;
        } catch (err) {
          failures.push(`admin GET: ${(err as Error).message}`);
        }
      }
    })();

    await eventually(() => churned >= 20 || failures.length > 0);
    const cmd = await fulcrumCommand(['upgrade', '--data', f.dataDir]);
    expect(cmd.out).toContain(`asked pid ${f.pid} to hand over to a new process (SIGUSR2)`);
    if (cmd.code !== 0) throw new Error(`fulcrum upgrade failed:\n${cmd.out}\n${f.stdout()}\n${f.stderr()}`);
    const successor = Number(cmd.out.match(/pid (\d+) serves/)?.[1]);
    trackPid(successor);
    expect(successor).not.toBe(f.pid);
    expect(readPid(f.dataDir)).toBe(successor);
    await f.waitFor(new RegExp(`hand-over done: pid ${successor} serves`));
    for (const child of childPids(successor)) trackPid(child);
    handedOver = true;
    pacer.open();
    await Promise.all([...lanes, adminLane]);
    // The long-lived connections keep working on the old process, which no longer accepts.
    await eventually(() => roundsAfter >= LONG_LIVED * ROUNDS_AFTER || longFailures.length > 0, 20_000);
    await Promise.all(longLoops);
    expect(failures).toEqual([]);
    expect(longFailures).toEqual([]);
    expect(adminReads).toBeGreaterThan(0);
    expect(isRunning(f.pid)).toBe(true); // still draining its long-lived connections

    // The admin now is the successor's: a change made there is served by it.
    const successorView = await f.api<{ services: { id: number }[] }>('GET', '/api/services');
    expect(successorView.status).toBe(200);
    const added = await createAfterHandover(f, echo.port);
    expect(await echoOnce(added.port, 'after')).toBe('after');
    await eventually(async () => ((await f.stats()).services.find((s) => s.id === service.id)?.total ?? 0) > 0);

    // The old process exits once its last connection has closed.
    for (const conn of long) conn.close();
    expect(await f.exit()).toBe(0);
    expect(f.stdout()).toContain(`retired: pid ${f.pid} exits`);
    expect(isRunning(successor)).toBe(true);
    expect(await echoOnce(port, 'still here')).toBe('still here');
  }, 80_000);
}

it('SIGHUP with the engine in one process is the same hand-over', async () => {
  const echo = await startEchoServer();
  onCleanup(() => echo.close());
  const f = await startFulcrum({ args: ['--shutdown-timeout', '500'] });
  expect((await f.workers()).mode).toBe('single');
  const { port } = await createService(f, [echo.port]);
  const conn = await EchoConnection.open(port);
  onCleanup(() => conn.close());
  await conn.roundTrip('hello\n');

  process.kill(f.pid, 'SIGHUP');
  const [, pid] = await f.waitFor(/hand-over done: pid (\d+) serves/);
  const successor = Number(pid);
  trackPid(successor);
  for (const child of childPids(successor)) trackPid(child);
  expect(readPid(f.dataDir)).toBe(successor);
  await conn.roundTrip('still here, on the old process\n');
  expect(await echoOnce(port, 'new')).toBe('new');
  // SIGTERM to the retiring process: its drain without limit ends within --shutdown-timeout,
  // with FIN (no reset), and it exits 0; the successor serves on.
  process.kill(f.pid, 'SIGTERM');
  expect(await f.exit()).toBe(0);
  expect(f.stdout()).toContain('SIGTERM: the connections still draining after the hand-over get up to 0.5 s to finish');
  await eventually(() => conn.closed);
  expect(conn.error).toBeUndefined();
  expect(isRunning(successor)).toBe(true);
  expect(await echoOnce(port, 'after')).toBe('after');
  // The event log: the successor's start names the process it took over from; the retired
  // process records no stop (the successor owns the store, and nothing stopped serving).
  const log = await f.api<{ events: { kind: string; message: string; details: Record<string, unknown> }[] }>('GET', '/api/events?actor=system');
  expect(log.body.events.map((e) => [e.kind, e.details.pid, e.details.takeoverFrom])).toEqual([
    ['admin-started', successor, f.pid],
    ['admin-started', f.pid, undefined],
  ]);
  expect(log.body.events[0]!.message).toMatch(new RegExp(`taking over from pid ${f.pid} \\(upgrade\\)$`));
}, 40_000);

it('keeps serving and takes changes again when the successor cannot start', async () => {
  const echo = await startEchoServer();
  onCleanup(() => echo.close());
  const version = replaceableEntry();
  const f = await startFulcrum({ entry: version.entry });
  const { port } = await createService(f, [echo.port]);
  const conn = await EchoConnection.open(port);
  onCleanup(() => conn.close());

  // This "new version" hangs at start: the hand-over waits for it, with changes paused.
  version.replace(HANGS_AT_START);
  process.kill(f.pid, 'SIGUSR2');
  const successor = await version.successorOf(f.pid);
  trackPid(successor);
  await f.waitFor(/hand-over: starting a successor/);
  const paused = await fetch(`http://127.0.0.1:${f.adminPort}/api/services`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'during', listen: '127.0.0.1:1', backends: [] }),
  });
  expect(paused.status).toBe(503);
  expect(paused.headers.get('retry-after')).toBe('1');
  expect(((await paused.json()) as { code: string }).code).toBe('UPGRADE_IN_PROGRESS');
  await conn.roundTrip('while waiting\n');

  // It dies: the old process takes its lock and changes back, and serves on.
  process.kill(successor, 'SIGKILL');
  await eventually(() => /hand-over failed, this process keeps serving/.test(f.stderr()));
  expect(JSON.parse(readFileSync(join(f.dataDir, 'admin.lock'), 'utf8')).pid).toBe(f.pid);
  expect(readPid(f.dataDir)).toBe(f.pid);
  const added = await createService(f, [echo.port]);
  expect(await echoOnce(added.port, 'after')).toBe('after');
  await conn.roundTrip('after the failed hand-over\n');

  // A version that exits at once fails the same way, with its exit code named.
  version.replace('process.exit(3);\n');
  process.kill(f.pid, 'SIGUSR2');
  await eventually(() => /exited before it served \(exit code 3\)/.test(f.stderr())).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${f.stdout()}\n${f.stderr()}`);
  });
  expect((await f.api('GET', '/api/services')).status).toBe(200);
  await conn.roundTrip('still\n');
}, 60_000);

it('SIGTERM while the successor is still starting stops it too, and the old process shuts down as usual', async () => {
  const echo = await startEchoServer();
  onCleanup(() => echo.close());
  const version = replaceableEntry();
  const f = await startFulcrum({ entry: version.entry, args: ['--shutdown-timeout', '500'] });
  await createService(f, [echo.port]);
  version.replace(HANGS_AT_START);
  process.kill(f.pid, 'SIGUSR2');
  const successor = await version.successorOf(f.pid);
  trackPid(successor);
  await f.waitFor(/hand-over: starting a successor/);

  process.kill(f.pid, 'SIGTERM');
  expect(await f.exit()).toBe(0);
  expect(f.stdout()).toContain('hand-over abandoned: this process is shutting down, so its successor was stopped');
  await eventually(() => !isRunning(successor));
}, 60_000);

it('fulcrum upgrade and reload: a bad flag exits 2 with one line, nothing to signal exits 1', async () => {
  const bad = await fulcrumCommand(['upgrade', '--bogus']);
  expect(bad.code).toBe(2);
  expect(bad.out).toBe('fulcrum: usage: fulcrum upgrade [--data DIR]\n');
  const empty = tempDir('fulcrum-nopid-');
  onCleanup(empty.remove);
  for (const name of ['upgrade', 'reload']) {
    const none = await fulcrumCommand([name, '--data', empty.dir]);
    expect(none.code).toBe(1);
    expect(none.out).toBe(`fulcrum: no fulcrum.pid in ${empty.dir}: is fulcrum running with --data ${empty.dir}?\n`);
  }
});
