// Zero-downtime reload: `fulcrum reload --data DIR` (SIGHUP to the primary) while new connections
// keep arriving and 20 long-lived ones keep echoing. Nothing may be refused or cut, and afterwards
// different worker processes serve. With no --reload-drain-limit (the default) the old workers
// keep serving their connections long past --shutdown-timeout, which bounds only SIGTERM.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { eventually, startEchoServer } from '../helpers.ts';
import { EchoConnection, cleanup, createService, echoOnce, isRunning, onCleanup, sleep, startFulcrum } from './harness.ts';

afterAll(cleanup);

const ADMIN_DIR = fileURLToPath(new URL('../..', import.meta.url));
const LONG_LIVED = 20;
const CHURN_LANES = 6;
/** Small on purpose: the long-lived connections must outlive it by far after the reload. */
const SHUTDOWN_TIMEOUT_MS = 300;
/** How long after the reload every long-lived connection must still complete a round trip. */
const WELL_PAST_MS = 5 * SHUTDOWN_TIMEOUT_MS;

async function runReloadCommand(dataDir: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'reload', '--data', dataDir], { cwd: ADMIN_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out };
}

it('reloads under load without refusing or cutting a connection', async () => {
  const echo = await startEchoServer();
  onCleanup(() => echo.close());
  // The old workers drain until the long-lived connections close: no reload drain limit.
  const f = await startFulcrum({ workers: 2, args: ['--shutdown-timeout', String(SHUTDOWN_TIMEOUT_MS)] });
  const { service, port } = await createService(f, [echo.port], { strategy: 'least-connections' });
  const before = await f.workers();
  const oldPids = before.workers.map((w) => w.pid);

  const long = await Promise.all(Array.from({ length: LONG_LIVED }, () => EchoConnection.open(port)));
  onCleanup(() => long.forEach((c) => c.close()));
  const hardStop = Date.now() + 40_000;
  let stopLong = false;
  let reloaded = false;
  const longFailures: string[] = [];
  let roundsAfterReload = 0;
  let reloadedAt = Number.POSITIVE_INFINITY;
  /** Per connection: when its latest round trip completed. */
  const lastRound = new Array<number>(LONG_LIVED).fill(0);
  const longLoops = long.map(async (conn, i) => {
    for (let k = 0; !stopLong && Date.now() < hardStop; k++) {
      try {
        await conn.roundTrip(`long-${i}-${k}\n`);
        lastRound[i] = Date.now();
        if (reloaded) roundsAfterReload++;
      } catch (err) {
        longFailures.push(`long ${i}: ${(err as Error).message}`);
        return;
      }
      await sleep(100); // pacing: a long-lived client talks now and then, not in a tight loop
    }
  });

  // New connections start continuously: ~3 s, and at least until the reload has finished.
  const churnUntil = Date.now() + 3000;
  const churnFailures: string[] = [];
  let churned = 0;
  const lanes = Array.from({ length: CHURN_LANES }, async () => {
    while ((Date.now() < churnUntil || !reloaded) && Date.now() < hardStop && churned < 20_000) {
      try {
        const got = await echoOnce(port, 'new connection');
        if (got !== 'new connection') churnFailures.push(`echo mismatch: ${got}`);
        churned++;
      } catch (err) {
        churnFailures.push((err as NodeJS.ErrnoException).code ?? (err as Error).message);
      }
    }
  });

  // Reload only once new connections are flowing, so the swap happens under them.
  await eventually(() => churned >= 20 || churnFailures.length > 0);
  const cmd = await runReloadCommand(f.dataDir);
  expect(cmd.out).toContain(`asked pid ${f.pid} to reload (SIGHUP)`);
  expect(cmd.code).toBe(0);
  await f.waitFor(/fulcrum: reload done: generation 2 .*drain until their connections end/, 40_000);
  reloaded = true;
  reloadedAt = Date.now();
  await Promise.all(lanes);
  // The long-lived connections keep working after the swap, on the old workers.
  await eventually(() => roundsAfterReload >= LONG_LIVED * 3 || longFailures.length > 0, 20_000);
  // … and well past --shutdown-timeout: each one completes a round trip 5 × that after the reload.
  await eventually(() => lastRound.every((t) => t > reloadedAt + WELL_PAST_MS) || longFailures.length > 0, 20_000);
  const draining = await f.workers();
  stopLong = true;
  await Promise.all(longLoops);

  expect(churnFailures).toEqual([]);
  expect(longFailures).toEqual([]);
  expect(churned).toBeGreaterThan(0);

  const after = await f.workers();
  expect(after.generation).toBe(2);
  const live = after.workers.filter((w) => w.state === 'live');
  expect(live).toHaveLength(2);
  expect(live.every((w) => !oldPids.includes(w.pid) && w.generation === 2 && w.configVersion === after.configVersion)).toBe(true);
  // Old workers drain while they hold connections, and exit once the last one closes.
  expect(after.workers.filter((w) => w.state === 'draining').map((w) => w.pid).sort()).toEqual(
    oldPids.filter((pid) => after.workers.some((w) => w.pid === pid)).sort(),
  );
  // Well past the shutdown timeout, the old workers holding the long-lived connections are still
  // alive and draining, with no deadline.
  expect(draining.reloadDrainLimitMs).toBeNull();
  const oldOnes = draining.workers.filter((w) => oldPids.includes(w.pid));
  expect(oldOnes.length).toBeGreaterThan(0);
  expect(oldOnes.every((w) => w.state === 'draining')).toBe(true);
  expect(oldOnes.every((w) => w.drainingSince !== null && w.drainDeadline === null)).toBe(true);
  expect(oldOnes.reduce((n, w) => n + w.active, 0)).toBe(LONG_LIVED);
  expect(oldOnes.every((w) => isRunning(w.pid))).toBe(true);
  const hungUpAt = Date.now();
  for (const conn of long) conn.close();
  await eventually(() => oldPids.every((pid) => !isRunning(pid)), 20_000);
  console.log(
    `reload with --shutdown-timeout ${SHUTDOWN_TIMEOUT_MS}: ${LONG_LIVED} long-lived connections made ${roundsAfterReload} round trips after the reload, ` +
      `the last ${Math.min(...lastRound) - reloadedAt}–${Math.max(...lastRound) - reloadedAt} ms after it, 0 cut; ${churned} new connections, 0 refused; ` +
      `old workers gone ≤ ${Date.now() - hungUpAt} ms after the clients hung up`,
  );
  // Every connection counted once across both generations.
  await eventually(async () => (await f.stats()).services.find((s) => s.id === service.id)?.total === churned + LONG_LIVED);
  expect(f.stderr()).toBe('');
}, 58_000);
