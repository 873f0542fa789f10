// `pnpm bench:cluster [--changes=N] [--through=a|rotate]`: how long until a configuration change
// made through one node runs on every node of a cluster?
//
// Starts a real PostgreSQL (initdb into a temp dir, as the `postgres` user), three real `fulcrum`
// processes sharing it (--store, --node-name a|b|c, --listen-host 127.0.0.2|.3|.4), one service
// with one backend (a TCP echo server in this process), and a WebSocket to each node's /api/live.
// Then makes N changes one at a time (a service's `retries`, then a backend's weight, in turn),
// through node a or through a, b, c in turn. For each: t0 = the API answer has arrived; N = its
// fulcrum-config-version header; each node's time is the arrival of its first `config` message
// with version ≥ N; propagation = the latest of the three − t0 (0 when all came first). Prints
// percentiles of propagation and of the API latency. Loopback only; every wait is bounded; every
// process is stopped by PID; temp dirs are removed; the exit code is 1 if anything failed.
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PostgresServer } from '../e2e/fixtures/postgres-server.ts';
import { api, startNodes, waitForCluster, type BenchNode } from './cluster-nodes.ts';
import { ConfigArrivals, type ConfigArrival } from './config-arrivals.ts';
import { LiveSocket } from './live-socket.ts';
import { collectMachineInfo, machineMarkdown } from './machine-info.ts';
import { freePort, isStopping, stopAll } from './processes.ts';

const repoRoot = join(import.meta.dirname, '..');
const TOKEN = 'bench-cluster-propagation-token';
const NAMES = ['a', 'b', 'c'];
const WARM_UP = 6;
/** A change that has not reached every node after this long is a failure, not a data point. */
const PROPAGATION_TIMEOUT_MS = 15_000;
const TARGET_P99_MS = 500;
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Says what is missing before anything starts (the PostgreSQL fixture would crash on it). */
function checkPrerequisites(): void {
  for (const bin of ['initdb', 'postgres']) {
    try {
      accessSync(join(PG_BIN, bin), constants.X_OK);
    } catch {
      throw new Error(`${join(PG_BIN, bin)} not found: install postgresql-15 (apt) or set PG_BIN`);
    }
  }
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) throw new Error('no `postgres` user to run initdb and postgres as');
}

function usage(problem?: string): never {
  if (problem) process.stderr.write(`bench:cluster: ${problem}\n`);
  process.stderr.write('usage: pnpm bench:cluster [--changes=N (1–100000, default 200)] [--through=a|rotate (default a)]\n');
  process.exit(problem ? 2 : 0);
}

function parseOptions(argv: string[]): { changes: number; through: 'a' | 'rotate' } {
  let changes = 200;
  let through: 'a' | 'rotate' = 'a';
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') usage();
    else if (arg.startsWith('--changes=')) {
      const text = arg.slice('--changes='.length);
      changes = Number(text);
      if (!/^[1-9]\d*$/.test(text) || changes > 100_000) usage(`--changes must be a whole number from 1 to 100000, not "${text}"`);
    } else if (arg.startsWith('--through=')) {
      const text = arg.slice('--through='.length);
      if (text !== 'a' && text !== 'rotate') usage(`--through must be a or rotate, not "${text}"`);
      through = text;
    } else usage(`unknown argument "${arg}"`);
  }
  return { changes, through };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

function row(label: string, values: number[]): string {
  const s = [...values].sort((x, y) => x - y);
  const cells = [0.5, 0.9, 0.99].map((q) => percentile(s, q)).concat(s.at(-1) ?? NaN);
  return `| ${label} | ${cells.map((v) => v.toFixed(1)).join(' | ')} |`;
}

interface Service {
  id: number;
  retries: number;
  backends: Array<{ id: number; weight: number }>;
}

/**
 * The i-th change: alternately `retries` and the backend's weight, always to a new value; and
 * whether a node's configuration shows the whole expected state (this change and every earlier
 * one: a node that wrote on a stale copy would lose one).
 */
function nextChange(i: number, expected: { retries: number; weight: number }, svc: Service) {
  const backend = svc.backends[0]!.id;
  const applied = (a: ConfigArrival) => {
    const s = a.services.find((x) => x.id === svc.id);
    return s?.retries === expected.retries && s.backends.find((b) => b.id === backend)?.weight === expected.weight;
  };
  if (i % 2 === 0) {
    expected.retries = expected.retries >= 5 ? 1 : expected.retries + 1;
    return { path: `/api/services/${svc.id}`, body: { retries: expected.retries }, applied };
  }
  expected.weight = expected.weight >= 9 ? 1 : expected.weight + 1;
  return { path: `/api/services/${svc.id}/backends/${backend}`, body: { weight: expected.weight }, applied };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  checkPrerequisites();
  const machine = collectMachineInfo(repoRoot);
  const tmp = mkdtempSync(join(process.env.BENCH_TMP ?? os.tmpdir(), 'fulcrum-cluster-bench-'));
  let pgServer: PostgresServer | undefined;
  const sockets: LiveSocket[] = [];
  const echo = net.createServer((s) => { s.on('error', () => {}); s.pipe(s); });
  // Ctrl-C: processes.ts stops the nodes and exits; the directories go with them, as they do
  // if this process ends any other way before the finally below ran.
  process.once('exit', () => {
    rmSync(tmp, { recursive: true, force: true });
    if (pgServer) rmSync(dirname(pgServer.dataDir), { recursive: true, force: true });
  });
  try {
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const echoPort = (echo.address() as net.AddressInfo).port;
    process.stderr.write('[bench] starting PostgreSQL and three nodes…\n');
    pgServer = await PostgresServer.start();
    const storeUrl = `postgres://postgres@127.0.0.1:${pgServer.port}/postgres`;
    const nodes = await startNodes({ names: NAMES, storeUrl, token: TOKEN, tmp, repoRoot });
    await Promise.all(nodes.map((n) => waitForCluster(n, TOKEN, NAMES, 120_000)));

    const created = await api(nodes[0]!.admin, TOKEN, 'POST', '/api/services?wait=cluster', {
      name: 'bench', listen: `127.0.0.1:${await freePort()}`, healthCheck: { type: 'none' },
      backends: [{ address: `127.0.0.1:${echoPort}` }],
    });
    if (created.status !== 201) throw new Error(`creating the service: HTTP ${created.status} ${created.body.slice(0, 300)}`);
    if (created.headers.get('fulcrum-cluster-pending')) throw new Error(`nodes ${created.headers.get('fulcrum-cluster-pending')} did not apply the new service`);
    const svc = JSON.parse(created.body) as Service;
    const expected = { retries: svc.retries, weight: svc.backends[0]!.weight };

    const trackers = nodes.map((n) => new ConfigArrivals(n.name));
    for (const [j, node] of nodes.entries()) {
      const t = trackers[j]!;
      sockets.push(await LiveSocket.connect(`${node.admin.replace(/^http/, 'ws')}/api/live`, TOKEN, {
        message: (text, at) => t.message(text, at),
        close: (reason) => t.close(reason),
      }));
    }

    const propagation: number[] = [];
    const apiLatency: number[] = [];
    const own: number[] = [];
    const others: number[] = [];
    let lastVersion = Number(created.headers.get('fulcrum-config-version'));
    process.stderr.write(`[bench] ${WARM_UP} warm-up changes, then ${opts.changes} measured, through ${opts.through === 'a' ? 'node a' : 'a, b, c in turn'}…\n`);
    for (let i = 0; i < WARM_UP + opts.changes && !isStopping(); i++) {
      const k = opts.through === 'a' ? 0 : i % nodes.length;
      const via = nodes[k]!;
      const change = nextChange(i, expected, svc);
      const res = await api(via.admin, TOKEN, 'PATCH', change.path, change.body);
      if (res.status !== 200) throw new Error(`change ${i} through ${via.name}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      const header = res.headers.get('fulcrum-config-version') ?? '';
      const version = Number(header);
      if (!/^\d+$/.test(header) || version <= lastVersion) {
        throw new Error(`change ${i} through ${via.name}: fulcrum-config-version "${header}" after version ${lastVersion}`);
      }
      lastVersion = version;
      const arrivals = await Promise.all(trackers.map((t) => t.waitFor(version, PROPAGATION_TIMEOUT_MS)));
      for (const [j, a] of arrivals.entries()) {
        // A node that went straight past N cannot be checked against this change's value.
        if (a.version === version && !change.applied(a)) {
          throw new Error(`change ${i}: node ${nodes[j]!.name}'s config message for version ${version} does not show ${JSON.stringify(expected)}`);
        }
      }
      if (i < WARM_UP) continue;
      const after = arrivals.map((a) => a.at - res.answeredAt);
      propagation.push(Math.max(0, ...after));
      apiLatency.push(res.answeredAt - res.sentAt);
      for (const [j, ms] of after.entries()) (j === k ? own : others).push(ms);
    }
    if (isStopping()) return;
    for (const n of nodes) if (n.proc.exited) throw new Error(`node ${n.name} exited during the run (code ${n.proc.exitCode})`);
    machine.loadAvgEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
    report(opts, machine, { propagation, apiLatency, own, others }, nodes);
  } finally {
    for (const s of sockets) s.close();
    await stopAll();
    await pgServer?.stop();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
    rmSync(tmp, { recursive: true, force: true });
  }
}

function report(
  opts: { changes: number; through: 'a' | 'rotate' },
  machine: ReturnType<typeof collectMachineInfo>,
  r: { propagation: number[]; apiLatency: number[]; own: number[]; others: number[] },
  nodes: BenchNode[],
): void {
  const pgVersion = spawnSync(join(PG_BIN, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'postgres (version unknown)';
  const p99 = percentile([...r.propagation].sort((x, y) => x - y), 0.99);
  console.log(`# Cluster change propagation (${nodes.length} nodes, one PostgreSQL; ${opts.changes} changes through ${opts.through === 'a' ? 'node a' : 'a, b, c in turn'}, one at a time, after ${WARM_UP} warm-up changes)\n`);
  console.log(`command: pnpm bench:cluster --changes=${opts.changes} --through=${opts.through}\n`);
  console.log('| ms | p50 | p90 | p99 | max |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(row('propagation: API answer → last node’s `config` message', r.propagation));
  console.log(row('API latency: PATCH sent → answer', r.apiLatency));
  console.log(row('node that took the change: answer → its `config` message', r.own));
  console.log(row('each other node: answer → its `config` message', r.others));
  console.log(`\nNegative times: the message came before the HTTP answer. Target (issue 12): propagation p99 under ${TARGET_P99_MS} ms — ${p99 < TARGET_P99_MS ? 'met' : 'NOT met'} (p99 ${p99.toFixed(1)} ms).\n`);
  console.log(machineMarkdown(machine));
  console.log(`- ${pgVersion} (fsync=off, synchronous_commit=off, as in the tests)`);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench:cluster failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
