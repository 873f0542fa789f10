// `node --import tsx bench/reload-drain.ts [--conns 40] [--after MS] [--bench N] [fulcrum args…]`:
// what a reload does to long-lived connections (issue 13 §2, docs/WORKERS.md "Reload"). Runs
// `fulcrum --workers 2 --shutdown-timeout 300` in front of redis, opens --conns connections that
// PING every 100 ms, optionally starts `redis-benchmark -k 1 -c 20 -n N` (keep-alive) a second
// before the SIGHUP, then watches for --after ms past the reload and prints one JSON summary:
// connections still open, ended by FIN, reset; PINGs answered after the reload and unanswered;
// when the FINs came and when the old workers exited (ms after "reload done" was printed, and
// after the clients hung up if they were still connected at the end).
// Extra arguments go to fulcrum, e.g. `--reload-drain-limit 2000`.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, onExitSync, runToCompletion, sleep, startProcess, stopAll, waitForPing } from './processes.ts';
import { startRedis } from './targets.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const TOKEN = 'bench-token-0123456789';
const PACE_MS = 100;

interface Args { conns: number; afterMs: number; bench: number; fulcrum: string[] }

function parse(argv: string[]): Args {
  const a: Args = { conns: 40, afterMs: 20_000, bench: 0, fulcrum: [] };
  for (let i = 0; i < argv.length; i++) {
    const v = Number(argv[i + 1]);
    if (argv[i] === '--conns') a.conns = v;
    else if (argv[i] === '--after') a.afterMs = v;
    else if (argv[i] === '--bench') a.bench = v;
    else {
      a.fulcrum.push(argv[i] as string);
      continue;
    }
    i++;
  }
  return a;
}

/** A long-lived connection PINGing in lockstep, every PACE_MS. */
class Pinger {
  readonly socket: net.Socket;
  sent = 0;
  pongs = 0;
  pongsAfterReload = 0;
  endedAt = 0;
  error = '';
  closed = false;
  #buffer = '';

  constructor(port: number, reloaded: () => boolean) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (d: Buffer) => {
      this.#buffer += d.toString();
      for (let i = this.#buffer.indexOf('+PONG\r\n'); i >= 0; i = this.#buffer.indexOf('+PONG\r\n')) {
        this.#buffer = this.#buffer.slice(i + 7);
        this.pongs++;
        if (reloaded()) this.pongsAfterReload++;
      }
    });
    this.socket.on('end', () => (this.endedAt = Date.now()));
    this.socket.on('error', (err: NodeJS.ErrnoException) => (this.error = err.code ?? err.message));
    this.socket.on('close', () => (this.closed = true));
  }

  get done(): boolean {
    return this.closed || this.endedAt > 0;
  }

  async run(stop: () => boolean): Promise<void> {
    await new Promise<void>((r) => this.socket.once('connect', () => r()).once('error', () => r()));
    while (!stop() && !this.done) {
      const want = this.pongs + 1;
      this.socket.write('PING\r\n');
      this.sent++;
      while (this.pongs < want && !this.done && !stop()) await sleep(5);
      await sleep(PACE_MS);
    }
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function main(): Promise<number> {
  const a = parse(process.argv.slice(2));
  const tmp = mkdtempSync(join(os.tmpdir(), 'fulcrum-reload-'));
  onExitSync(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    const redis = await startRedis(tmp);
    const port = await freePort();
    const adminPort = await freePort();
    const f = startProcess('fulcrum', process.execPath, [
      '--import', 'tsx', join(repoRoot, 'apps/admin/src/cli.ts'), '--admin', `127.0.0.1:${adminPort}`, '--data', join(tmp, 'data'),
      '--listen', `127.0.0.1:${port}`, '--backend', `127.0.0.1:${redis.port}`, '--workers', '2', '--shutdown-timeout', '300', ...a.fulcrum,
    ], { cwd: repoRoot, env: { ...process.env, FULCRUM_ADMIN_TOKEN: TOKEN }, stdout: 'pipe' });
    let out = '';
    f.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await waitForPing(port, f, 60_000);
    const workers = async (): Promise<{ reloadDrainLimitMs: number | null; workers: { pid: number; state: string; drainDeadline: string | null }[] }> =>
      (await fetch(`http://127.0.0.1:${adminPort}/api/workers`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as never;
    const oldPids = (await workers()).workers.map((w) => w.pid);

    let sighupAt = 0;
    let stop = false;
    const pingers = Array.from({ length: a.conns }, () => new Pinger(port, () => sighupAt > 0));
    const loops = pingers.map((p) => p.run(() => stop));
    await sleep(1000);
    const bench = a.bench > 0
      ? runToCompletion('redis-benchmark', 'redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-q', '-c', '20', '-k', '1', '-n', String(a.bench), '-t', 'ping'], 300_000)
      : undefined;
    await sleep(1000);
    process.kill(f.pid, 'SIGHUP');
    sighupAt = Date.now();
    while (!/reload done/.test(out) && Date.now() < sighupAt + 60_000) await sleep(20);
    const doneAt = Date.now();
    const during = await workers();
    while (Date.now() < doneAt + a.afterMs && pingers.some((p) => !p.done)) await sleep(50);
    stop = true;
    await Promise.all(loops);
    const stillOpen = pingers.filter((p) => !p.done).length;
    // Now the clients hang up: with no drain limit, the old workers exit once their last connection has.
    const hangUpAt = Date.now();
    for (const p of pingers) p.socket.destroy();
    while (oldPids.some(alive) && Date.now() < hangUpAt + 15_000) await sleep(20);
    const oldGoneAt = oldPids.some(alive) ? null : Date.now();
    const benchResult = await bench;
    const ended = pingers.filter((p) => p.endedAt > 0);
    const range = (xs: number[]): number[] | null => (xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : null);
    process.stdout.write(`${JSON.stringify({
      fulcrumArgs: a.fulcrum,
      node: process.versions.node,
      load: os.loadavg().map((l) => Number(l.toFixed(1))),
      reloadTookMs: doneAt - sighupAt,
      watchedAfterReloadMs: a.afterMs,
      connections: a.conns,
      stillOpenAtTheEnd: stillOpen,
      endedByFin: ended.length,
      errors: pingers.filter((p) => p.error !== '').map((p) => p.error),
      pongsAfterReload: pingers.reduce((n, p) => n + p.pongsAfterReload, 0),
      unansweredPings: pingers.reduce((n, p) => n + p.sent - p.pongs, 0),
      finAfterReloadDoneMs: range(ended.map((p) => p.endedAt - doneAt)),
      oldWorkersExitedAfterReloadDoneMs: oldGoneAt === null ? null : oldGoneAt - doneAt,
      oldWorkersExitedAfterClientsHungUpMs: oldGoneAt === null || stillOpen === 0 ? null : oldGoneAt - hangUpAt,
      reloadDrainLimitMs: during.reloadDrainLimitMs,
      oldWorkersRightAfterReload: during.workers.filter((w) => oldPids.includes(w.pid)).map((w) => ({ state: w.state, drainDeadline: w.drainDeadline })),
      redisBenchmark: benchResult && { exitCode: benchResult.code, result: benchResult.stdout.split(/[\r\n]/).filter((l) => /requests per second/.test(l)), stderr: benchResult.stderr.trim() },
    }, null, 1)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`reload-drain: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await stopAll();
  }
}

process.exitCode = await main();
