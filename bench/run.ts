// `pnpm bench`: starts redis, HAProxy, nginx stream, a naive Node proxy and Fulcrum on loopback,
// measures them side by side with redis-benchmark over interleaved rounds, and reports medians
// and ratios. Every process it starts is stopped by pid, whatever happens.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { measureIdleMemory } from './idle-memory.ts';
import { collectMachineInfo } from './machine-info.ts';
import { DEFAULT_FULCRUM_CLI, parseOptions, USAGE, type BenchOptions } from './options.ts';
import { isStopping, livePids, onExitSync, stopAll, stopProcess, treeCpuMs, type Tracked } from './processes.ts';
import { renderMarkdown, summarize, writeDocsSection, writeResults, type RunResult, type TargetStatus } from './report.ts';
import { startRedis, startTarget, TARGET_LABELS, type RunningTarget, type TargetName } from './targets.ts';
import { runWorkload, workloads } from './workloads.ts';
import { runBulk, startIperfServer } from './bulk.ts';
import { buildServer } from '../apps/admin/scripts/build.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

function logTail(t: Tracked | undefined, tmpDir: string, name: string, lines = 8): string {
  const path = t?.logPath ?? join(tmpDir, `${name}.log`);
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text ? `\n    ${text.split('\n').slice(-lines).join('\n    ')}` : '';
  } catch {
    return '';
  }
}

function hasCommand(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, cmd)));
}

/** Why a target cannot even be tried on this machine, or undefined. */
function missingPrerequisite(name: TargetName, fulcrumCli: string): string | undefined {
  if (name === 'haproxy' && !hasCommand('haproxy')) return 'haproxy is not installed (apt-get install haproxy)';
  if (name === 'nginx' && !hasCommand('nginx')) return 'nginx is not installed (apt-get install nginx libnginx-mod-stream)';
  if (name === 'nginx' && !existsSync('/usr/lib/nginx/modules/ngx_stream_module.so')) {
    return 'the nginx stream module is missing (apt-get install libnginx-mod-stream)';
  }
  if ((name === 'fulcrum' || name === 'fulcrum-socket') && !existsSync(fulcrumCli)) return `${relative(repoRoot, fulcrumCli)} does not exist (yet)`;
  return undefined;
}

const rotate = <T>(xs: T[], by: number): T[] => xs.map((_, i) => xs[(i + by) % xs.length] as T);

async function bench(o: BenchOptions, tmpDir: string): Promise<RunResult> {
  const result: RunResult = {
    machine: collectMachineInfo(repoRoot), options: o, targets: [], samples: [], cpu: [], memory: {}, errors: [],
  };
  const busy = result.machine.loadAvgStart[0] ?? 0;
  if (busy > result.machine.nproc * 0.25) {
    log(`warning: load average ${busy} on ${result.machine.nproc} cores — the machine is busy, expect noise`);
  }
  for (const cmd of ['redis-server', 'redis-benchmark']) {
    if (!hasCommand(cmd)) throw new Error(`${cmd} is not installed (apt-get install redis-server redis-tools)`);
  }

  const redis = await startRedis(tmpDir);
  log(`redis-server on 127.0.0.1:${redis.port} (pid ${redis.process.pid})`);
  let iperf: Awaited<ReturnType<typeof startIperfServer>> | undefined;
  if (o.bulk && !hasCommand('iperf3')) log('bulk workload skipped: iperf3 is not installed (apt-get install iperf3)');
  else if (o.bulk) {
    iperf = await startIperfServer(tmpDir);
    log(`iperf3 -s on 127.0.0.1:${iperf.port} (pid ${iperf.process.pid})`);
  }
  const fulcrumCli = resolve(repoRoot, o.fulcrumCli);
  if (o.targets.includes('fulcrum') && o.fulcrumCli === DEFAULT_FULCRUM_CLI) {
    log('building fulcrum (apps/admin/scripts/build.ts, as pnpm start does)');
    await buildServer();
  }
  const ctx = { repoRoot, tmpDir, redisPort: redis.port, workers: o.workers, fulcrumCli, bulkBackendPort: iperf?.port };

  const running: RunningTarget[] = [];
  const status = new Map<TargetName, TargetStatus>();
  for (const name of o.targets) {
    const missing = missingPrerequisite(name, fulcrumCli);
    if (missing) {
      log(`SKIP ${name}: ${missing}`);
      status.set(name, { target: name, status: 'skipped', reason: missing });
      continue;
    }
    try {
      const t = await startTarget(name, ctx);
      running.push(t);
      status.set(name, { target: name, status: 'ok' });
      log(`${name} on 127.0.0.1:${t.port}${t.process ? ` (pid ${t.process.pid})` : ''} answers PING`);
    } catch (err) {
      const reason = `did not start: ${err instanceof Error ? err.message : String(err)}`;
      log(`SKIP ${name}: ${reason}${logTail(undefined, tmpDir, name)}`);
      status.set(name, { target: name, status: 'skipped', reason });
    }
  }
  result.targets = o.targets.map((t) => status.get(t) ?? { target: t, status: 'skipped' });
  if (running.length === 0) throw new Error('no target started');

  const alive = (t: RunningTarget): boolean => {
    if (isStopping()) return false;
    if (!t.process?.exited) return true;
    const s = status.get(t.name);
    if (s && s.status === 'ok') {
      s.status = 'failed';
      s.reason = `exited during the run (code ${t.process.exitCode}, signal ${t.process.exitSignal})`;
      log(`${t.name} ${s.reason}${logTail(t.process, tmpDir, t.name)}`);
    }
    return false;
  };

  try {
    // Memory first, on fresh processes, before any load has grown their heaps.
    if (o.memory) {
      for (const t of running) {
        if (!t.process || !alive(t)) continue;
        const m = await measureIdleMemory({
          port: t.port, pid: t.process.pid, redisPort: redis.port,
          connections: o.idleConnections, batch: 250, settleMs: 1000,
        });
        result.memory[t.name] = m;
        if (m.error) result.errors.push({ round: 0, target: t.name, workload: 'memory', error: m.error });
        log(`memory ${t.name}: ${m.error ? `ERROR ${m.error}` : `${(m.bytesPerConnection / 1024).toFixed(1)} KiB/conn ` +
          `over ${m.connections} conns (redis saw +${m.backendClients ?? '?'})`}`);
      }
    }

    const ws = workloads(o.n);
    for (let round = 1; round <= o.rounds; round++) {
      // Rotate the order each round so no target is always first (or always after churn).
      const order = rotate(running, round - 1);
      for (const w of ws) {
        for (const t of order) {
          if (!alive(t)) continue;
          const pid = t.process?.pid;
          const cpuBefore = pid === undefined ? 0 : treeCpuMs(pid);
          const res = await runWorkload(w, t.port, o.timeoutMs);
          if (isStopping()) break; // interrupted: its half-run is not a result
          const cpuMs = pid === undefined ? undefined : treeCpuMs(pid) - cpuBefore;
          if (cpuMs !== undefined && !res.error) {
            result.cpu.push({ round, target: t.name, workload: w.name, msPerKReq: (cpuMs * 1000) / w.requests });
          }
          for (const [metric, v] of Object.entries(res.values)) {
            result.samples.push({ round, target: t.name, metric: metric as keyof typeof res.values, rps: v.rps, p50Ms: v.p50Ms, p99Ms: v.p99Ms });
          }
          const shown = Object.entries(res.values).map(([m, v]) => `${m} ${Math.round(v.rps)}`).join(', ');
          log(`round ${round}/${o.rounds} ${w.name.padEnd(9)} ${t.name.padEnd(8)} ${shown || '-'}` +
            `${cpuMs === undefined ? '' : `, cpu ${Math.round(cpuMs)} ms`} (${res.seconds.toFixed(1)} s)${res.error ? ` ERROR ${res.error}` : ''}`);
          if (res.error) {
            result.errors.push({ round, target: t.name, workload: w.name, error: res.error });
            alive(t);
          }
        }
      }
      for (const t of order) {
        if (t.bulkPort === undefined || !alive(t)) continue;
        await bulkRound(result, o, round, t);
      }
    }
  } finally {
    for (const t of running) await t.stop();
    await stopProcess(redis.process);
    if (iperf) await stopProcess(iperf.process);
  }
  result.machine.loadAvgEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  return result;
}

/** One iperf3 run through one target: Gb/s and the proxy's CPU per GiB into the result. */
async function bulkRound(result: RunResult, o: BenchOptions, round: number, t: RunningTarget): Promise<void> {
  if (t.bulkPort === undefined) return;
  const pid = t.process?.pid;
  const cpuBefore = pid === undefined ? 0 : treeCpuMs(pid);
  const res = await runBulk(t.bulkPort, 4, o.bulkSeconds, o.bulkSeconds * 1000 + 30_000);
  if (isStopping()) return;
  const cpuMs = pid === undefined ? undefined : treeCpuMs(pid) - cpuBefore;
  if (res.error !== undefined || res.gbps === undefined || res.bytes === undefined) {
    result.errors.push({ round, target: t.name, workload: 'bulk', error: res.error ?? 'no result' });
    log(`round ${round}/${o.rounds} bulk      ${t.name.padEnd(8)} ERROR ${res.error ?? 'no result'}`);
    return;
  }
  const cpuMsPerGiB = cpuMs === undefined ? undefined : cpuMs / (res.bytes / 2 ** 30);
  (result.bulk ??= []).push({ round, target: t.name, gbps: res.gbps, cpuMsPerGiB });
  log(`round ${round}/${o.rounds} bulk      ${t.name.padEnd(8)} ${res.gbps.toFixed(2)} Gb/s` +
    `${cpuMs === undefined ? '' : `, cpu ${Math.round(cpuMs)} ms`} (${res.seconds.toFixed(1)} s)`);
}

async function main(): Promise<number> {
  let o: BenchOptions | 'help';
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    return 2;
  }
  if (o === 'help') { process.stdout.write(USAGE + '\n'); return 0; }

  const tmpDir = mkdtempSync(join(os.tmpdir(), 'fulcrum-bench-'));
  const opts = o;
  onExitSync(() => { if (!opts.keepTmp) rmSync(tmpDir, { recursive: true, force: true }); });
  log(`targets ${o.targets.join(',')}; ${o.rounds} round(s)${o.quick ? ', quick' : ''}; temp dir ${tmpDir}`);
  try {
    const result = await bench(o, tmpDir);
    const summary = summarize(result);
    result.summary = summary;
    const md = renderMarkdown(result, summary);
    process.stdout.write('\n' + md);
    const name = o.workers > 1 ? `latest-workers-${o.workers}` : 'latest';
    writeResults(join(repoRoot, 'bench', 'results'), result, md, name);
    log(`wrote bench/results/${name}.md and bench/results/${name}.json`);
    if (o.writeDocs) {
      writeDocsSection(join(repoRoot, 'docs', 'BENCHMARKS.md'), md, o.workers);
      log('rewrote the results section of docs/BENCHMARKS.md');
    }
    for (const t of result.targets) if (t.status !== 'ok') log(`note: ${TARGET_LABELS[t.target]} ${t.status}: ${t.reason ?? ''}`);
    // Skipped targets are expected (Fulcrum before its CLI exists); errors and deaths are not.
    return result.errors.length > 0 || result.targets.some((t) => t.status === 'failed') ? 1 : 0;
  } catch (err) {
    log(`failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return 1;
  } finally {
    await stopAll();
    const left = livePids();
    if (left.length > 0) log(`warning: still running after stop: ${left.join(', ')}`);
    if (o.keepTmp) log(`kept ${tmpDir}`);
  }
}

process.exitCode = await main();
