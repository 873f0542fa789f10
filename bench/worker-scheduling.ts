// `node --import tsx bench/worker-scheduling.ts [--rounds N] [--conns N] [--churn N]`: how
// node:cluster's two scheduling policies spread connections over Fulcrum's workers, and what
// they cost under connection churn. Runs `fulcrum --workers 2` in front of redis with
// NODE_CLUSTER_SCHED_POLICY=rr and =none, interleaved, and prints one table (docs/WORKERS.md).
// Every process is started and stopped through processes.ts (by pid, whatever happens).
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, onExitSync, runToCompletion, startProcess, stopAll, stopProcess, waitForPing } from './processes.ts';
import { startRedis } from './targets.ts';
import { parseBenchmarkCsv } from './workloads.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const TOKEN = 'bench-token-0123456789';
const log = (msg: string) => process.stderr.write(`[sched] ${msg}\n`);

interface Args { rounds: number; conns: number; churn: number; workers: number }

function parse(argv: string[]): Args {
  const a: Args = { rounds: 2, conns: 2000, churn: 10_000, workers: 2 };
  for (let i = 0; i < argv.length; i++) {
    const v = Number(argv[i + 1]);
    if (argv[i] === '--rounds') { a.rounds = v; i++; } else if (argv[i] === '--conns') { a.conns = v; i++; } else if (argv[i] === '--churn') { a.churn = v; i++; } else if (argv[i] === '--workers') { a.workers = v; i++; } else throw new Error(`unknown option ${argv[i]}`);
  }
  return a;
}

interface WorkerRow { pid: number; total: number; active: number; state: string }

async function workers(adminPort: number): Promise<WorkerRow[]> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/api/workers`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return ((await res.json()) as { workers: WorkerRow[] }).workers.filter((w) => w.state === 'live');
}

/** `n` connections, `concurrency` at a time, each: connect, PING, read +PONG, close. */
async function pingConnections(port: number, n: number, concurrency: number): Promise<number> {
  let started = 0;
  let failed = 0;
  const one = () =>
    new Promise<void>((done) => {
      const s = net.connect(port, '127.0.0.1');
      const timer = setTimeout(() => { failed++; s.destroy(); done(); }, 5000);
      s.once('connect', () => s.write('PING\r\n'));
      s.once('data', () => { clearTimeout(timer); s.end(); s.destroy(); done(); });
      s.once('error', () => { clearTimeout(timer); failed++; done(); });
    });
  const lane = async () => { while (started < n) { started++; await one(); } };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return failed;
}

/** Opens `n` connections at once-ish (bursts of 100) and holds them; returns a closer. */
async function holdConnections(port: number, n: number): Promise<() => void> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < n; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, n - i) }, () => new Promise<void>((done) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => done());
      s.once('connect', () => { sockets.push(s); s.write('PING\r\n'); s.once('data', () => done()); });
    })));
  }
  return () => { for (const s of sockets) s.destroy(); };
}

const spread = (rows: WorkerRow[], key: 'total' | 'active'): string => {
  const xs = rows.map((r) => r[key]);
  const sum = xs.reduce((a, b) => a + b, 0);
  return `${xs.join(' / ')} (max share ${sum ? Math.round((100 * Math.max(...xs)) / sum) : 0}%)`;
};

async function measure(policy: 'rr' | 'none', a: Args, redisPort: number, tmp: string): Promise<string[]> {
  const port = await freePort();
  const adminPort = await freePort();
  const data = join(tmp, `data-${policy}-${Date.now()}`);
  mkdirSync(data, { recursive: true });
  const t = startProcess(`fulcrum-${policy}`, process.execPath, [
    '--import', 'tsx', join(repoRoot, 'apps/admin/src/cli.ts'), '--admin', `127.0.0.1:${adminPort}`, '--data', data,
    '--listen', `127.0.0.1:${port}`, '--backend', `127.0.0.1:${redisPort}`, '--strategy', 'least-connections', '--workers', String(a.workers),
  ], { cwd: repoRoot, env: { ...process.env, FULCRUM_ADMIN_TOKEN: TOKEN, NODE_CLUSTER_SCHED_POLICY: policy }, logPath: join(tmp, `fulcrum-${policy}.log`) });
  try {
    await waitForPing(port, t, 60_000);
    const base = await workers(adminPort);
    const failed = await pingConnections(port, a.conns, 20);
    await new Promise((r) => setTimeout(r, 700));
    const after = await workers(adminPort);
    const seq = after.map((w) => ({ ...w, total: w.total - (base.find((b) => b.pid === w.pid)?.total ?? 0) }));
    const close = await holdConnections(port, a.conns);
    await new Promise((r) => setTimeout(r, 700));
    const held = await workers(adminPort);
    close();
    const bench = await runToCompletion('redis-benchmark', 'redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-q', '--csv', '-c', '20', '-k', '0', '-n', String(a.churn), '-t', 'ping_inline'], 120_000);
    const churn = parseBenchmarkCsv(bench.stdout).find((r) => r.test === 'PING_INLINE')?.rps ?? 0;
    const plain = await runToCompletion('redis-benchmark', 'redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-q', '--csv', '-c', '50', '-n', String(a.churn * 5), '-t', 'get'], 120_000);
    const get = parseBenchmarkCsv(plain.stdout).find((r) => r.test === 'GET')?.rps ?? 0;
    const row = [policy, spread(seq, 'total'), spread(held, 'active'), String(failed), String(Math.round(churn)), String(Math.round(get))];
    log(row.join(' | '));
    return row;
  } finally {
    await stopProcess(t, 5000);
  }
}

async function main(): Promise<number> {
  const a = parse(process.argv.slice(2));
  const tmp = mkdtempSync(join(os.tmpdir(), 'fulcrum-sched-'));
  onExitSync(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    const redis = await startRedis(tmp);
    const rows: string[][] = [];
    for (let round = 0; round < a.rounds; round++) {
      for (const policy of round % 2 === 0 ? (['rr', 'none'] as const) : (['none', 'rr'] as const)) rows.push(await measure(policy, a, redis.port, tmp));
    }
    await stopProcess(redis.process);
    process.stdout.write(`\nnode ${process.versions.node}, ${os.availableParallelism()} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${a.workers} workers\n\n`);
    process.stdout.write(`| policy | ${a.conns} short conns (20 at a time): per-worker totals | ${a.conns} held conns: per-worker active | failed | churn PING req/s (-c 20 -k 0) | GET req/s (-c 50) |\n|---|---|---|---|---|---|\n`);
    for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
    return 0;
  } catch (err) {
    log(`failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await stopAll();
  }
}

process.exitCode = await main();
