// `pnpm bench:config`: does a burst of live config changes slow the data plane down?
//
// Starts two real redis-servers and the real `fulcrum` (one process) balancing them, then
// runs the same redis-benchmark workload (-c 50, GET) alternately with and without a
// concurrent stream of API changes (strategy switches and weight changes, each one a full
// SQLite transaction + engine apply), over several interleaved rounds. Reports median req/s
// for both, their ratio, how many changes were applied per second and their API latency.
// Loopback only; every loop is bounded; every process is stopped by PID.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, stopAll, waitForPing, sleep } from './processes.ts';
import { runWorkload, workloads } from './workloads.ts';
import { median } from './median.ts';

const NODE = process.execPath;
const repoRoot = join(import.meta.dirname, '..');
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
const requests = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? 200_000);
const workers = Number(process.argv.find((a) => a.startsWith('--workers='))?.slice(10) ?? 1);
const TOKEN = 'bench-config-burst-token';

async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, ms: performance.now() - t0 };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'fulcrum-config-burst-'));
  try {
    const redisPorts = [await freePort(), await freePort()];
    const redises = redisPorts.map((p, i) =>
      startProcess(`redis-${i}`, 'redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { logPath: join(tmp, `redis-${i}.log`) }),
    );
    for (const [i, r] of redises.entries()) await waitForPing(redisPorts[i] as number, r, 10_000);
    const port = await freePort();
    const adminPort = await freePort();
    const fulcrum = startProcess(
      'fulcrum',
      NODE,
      ['--import', 'tsx', join(repoRoot, 'apps/admin/src/cli.ts'), '--admin', `127.0.0.1:${adminPort}`, '--data', join(tmp, 'data'),
        '--listen', `127.0.0.1:${port}`, ...redisPorts.flatMap((p) => ['--backend', `127.0.0.1:${p}`]), '--strategy', 'round-robin', ...(workers > 1 ? ['--workers', String(workers)] : [])],
      { cwd: repoRoot, env: { ...process.env, FULCRUM_ADMIN_TOKEN: TOKEN }, logPath: join(tmp, 'fulcrum.log') },
    );
    await waitForPing(port, fulcrum, 30_000);
    const base = `http://127.0.0.1:${adminPort}`;
    const services = (await api(base, 'GET', '/api/services')).json as { id: number; backends: { id: number }[] }[];
    const svc = services[0]!;
    const plain = workloads({ plain: requests, pipelined: 1, churn: 1 }).find((w) => w.name === 'plain')!;
    const strategies = ['round-robin', 'least-connections', 'weighted-round-robin', 'power-of-two', 'consistent-hash'];

    const quiet: number[] = [];
    const burst: number[] = [];
    const latencies: number[] = [];
    let changes = 0;
    let failures = 0;
    let burstSeconds = 0;
    for (let r = 0; r < rounds; r++) {
      const q = await runWorkload(plain, port, 120_000);
      if (q.values.get) quiet.push(q.values.get.rps);
      let stop = false;
      const churn = (async () => {
        let i = 0;
        while (!stop && i < 100_000) {
          const res =
            i % 2 === 0
              ? await api(base, 'PATCH', `/api/services/${svc.id}`, { strategy: strategies[(i / 2) % strategies.length] })
              : await api(base, 'PATCH', `/api/services/${svc.id}/backends/${svc.backends[0]!.id}`, { weight: 1 + (i % 7) });
          if (res.status === 200) {
            changes++;
            latencies.push(res.ms);
          } else failures++;
          i++;
        }
      })();
      const b = await runWorkload(plain, port, 120_000);
      stop = true;
      await churn;
      burstSeconds += b.seconds;
      if (b.values.get) burst.push(b.values.get.rps);
      await sleep(200);
    }
    latencies.sort((a, b) => a - b);
    const mq = median(quiet) ?? 0;
    const mb = median(burst) ?? 0;
    const p = (q: number): string => (latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(1);
    console.log(`# Config changes under load (${workers > 1 ? `${workers} workers` : 'one process'}; ${rounds} interleaved rounds, redis-benchmark -c 50 -n ${requests} -t get)\n`);
    console.log('| | GET req/s (median) |');
    console.log('|---|---:|');
    console.log(`| no config changes | ${Math.round(mq)} |`);
    console.log(`| during a burst of config changes | ${Math.round(mb)} |`);
    console.log(`| ratio burst ÷ quiet | ${(mb / mq).toFixed(2)} |`);
    console.log(`\nConfig changes applied during the bursts: ${changes} (${(changes / burstSeconds).toFixed(0)}/s), failed: ${failures}; API latency p50 ${p(0.5)} ms, p99 ${p(0.99)} ms.`);
  } finally {
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
