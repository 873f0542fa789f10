// Fixed memory only: start Fulcrum (one process, or a primary and N workers) in front of a
// redis-server, wait until it answers PING, and print each process's RSS split into anonymous
// memory (heaps) and file-backed pages (the node binary, shared libraries), from
// /proc/PID/status. A repeatable before/after measurement without the throughput workloads:
//   node --import tsx bench/fixed-memory.ts [--workers N] [--fulcrum-cli PATH] [--samples N]
// The default entry is the built command (built first, as `pnpm start` does).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../apps/admin/scripts/build.ts';
import { DEFAULT_FULCRUM_CLI } from './options.ts';
import { processTree, sleep, stopAll } from './processes.ts';
import { startRedis, startTarget } from './targets.ts';

const MiB = 2 ** 20;

/** One process's memory in bytes, from /proc/PID/status. */
export interface ProcessMemory {
  pid: number;
  rss: number;
  anon: number;
  file: number;
}

/** VmRSS, RssAnon and RssFile of one process; undefined once it exited. */
export function processMemory(pid: number): ProcessMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(status)?.[1] ?? 0) * 1024;
    return { pid, rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
  } catch {
    return undefined;
  }
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

async function main(): Promise<void> {
  const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const workers = Number(flag('--workers', '1'));
  const samples = Number(flag('--samples', '5'));
  const cli = flag('--fulcrum-cli', DEFAULT_FULCRUM_CLI);
  if (cli === DEFAULT_FULCRUM_CLI) await buildServer();
  const fulcrumCli = resolve(repoRoot, cli);
  const tmpDir = mkdtempSync(join(tmpdir(), 'fulcrum-fixed-mem-'));
  try {
    const redis = await startRedis(tmpDir);
    const target = await startTarget('fulcrum', { repoRoot, tmpDir, redisPort: redis.port, workers, fulcrumCli, bulkBackendPort: undefined });
    // Let start-up garbage be collected and the history worker settle before reading.
    await sleep(3000);
    const rows = new Map<number, ProcessMemory[]>();
    for (let i = 0; i < samples; i++) {
      for (const pid of processTree(target.process!.pid)) {
        const m = processMemory(pid);
        if (m) rows.set(pid, [...(rows.get(pid) ?? []), m]);
      }
      await sleep(500);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    console.log(`fulcrum ${fulcrumCli.replace(`${repoRoot}/`, '')} --workers ${workers}: RSS (anon + file) per process, MiB, median of ${samples}`);
    for (const [pid, ms] of rows) {
      const f = (k: keyof ProcessMemory) => (median(ms.map((m) => m[k])) / MiB).toFixed(1);
      console.log(`  pid ${pid}: ${f('rss')} (${f('anon')} + ${f('file')})`);
    }
    await target.stop();
  } finally {
    await stopAll();
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

await main();
