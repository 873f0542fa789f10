// Zero-downtime reload: `fulcrum reload --data DIR` (SIGHUP to the primary) while new connections
// keep arriving and 20 long-lived ones keep echoing. Nothing may be refused or cut, and afterwards
// different worker processes serve.
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
  // Old workers must outlive the test's long-lived connections: they drain until those close.
  const f = await startFulcrum({ workers: 2, args: ['--shutdown-timeout', '30000'] });
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
  const longLoops = long.map(async (conn, i) => {
    for (let k = 0; !stopLong && Date.now() < hardStop; k++) {
      try {
        await conn.roundTrip(`long-${i}-${k}\n`);
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
  await f.waitFor(/fulcrum: reload done: generation 2 /, 40_000);
  reloaded = true;
  await Promise.all(lanes);
  // The long-lived connections keep working after the swap, on the old workers.
  await eventually(() => roundsAfterReload >= LONG_LIVED * 3 || longFailures.length > 0, 20_000);
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
  for (const conn of long) conn.close();
  await eventually(() => oldPids.every((pid) => !isRunning(pid)), 20_000);
  // Every connection counted once across both generations.
  await eventually(async () => (await f.stats()).services.find((s) => s.id === service.id)?.total === churned + LONG_LIVED);
  expect(f.stderr()).toBe('');
}, 58_000);
