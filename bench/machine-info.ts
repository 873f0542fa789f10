// What the numbers were taken on: printed with every result, because only that context
// (and the side-by-side ratios) makes them readable later.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Versions and hardware facts of the machine a run used. */
export interface MachineInfo {
  date: string;
  nproc: number;
  cpuModel: string;
  memTotalGiB: number;
  kernel: string;
  node: string;
  haproxy: string;
  nginx: string;
  redis: string;
  redisBenchmark: string;
  loadAvgStart: number[];
  loadAvgEnd: number[] | undefined;
  commit: string;
}

/** First non-empty line a command prints, on stdout or stderr (nginx -v uses stderr). */
function firstLine(cmd: string, args: string[], cwd?: string, fallback = 'not found'): string {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 });
  if (res.error || res.status !== 0) return fallback;
  return `${res.stdout}\n${res.stderr}`.split('\n').find((l) => l.trim())?.trim() ?? fallback;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) return m[1].trim();
  } catch { /* not Linux */ }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** Collects the facts; read-only commands only (no git state is changed). */
export function collectMachineInfo(repoRoot: string): MachineInfo {
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpuModel: cpuModel(),
    memTotalGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    haproxy: firstLine('haproxy', ['-v']),
    nginx: firstLine('nginx', ['-v']),
    redis: firstLine('redis-server', ['--version']),
    redisBenchmark: firstLine('redis-benchmark', ['--version']),
    loadAvgStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    loadAvgEnd: undefined,
    commit: firstLine('git', ['rev-parse', '--short', 'HEAD'], repoRoot, 'no commit yet'),
  };
}

/** Markdown bullet list of the facts. */
export function machineMarkdown(m: MachineInfo): string {
  return [
    `- date: ${m.date}`,
    `- CPU: ${m.cpuModel} × ${m.nproc} (nproc), ${m.memTotalGiB} GiB, Linux ${m.kernel}`,
    `- load average (1/5/15 min) at start: ${m.loadAvgStart.join(' / ')}` +
      (m.loadAvgEnd ? `, at end: ${m.loadAvgEnd.join(' / ')}` : ''),
    `- node ${m.node}; ${m.haproxy}; ${m.nginx}; ${m.redis}; ${m.redisBenchmark}`,
    `- commit: ${m.commit}`,
  ].join('\n');
}
