// Turns raw samples into medians, ratios and markdown; writes bench/results and the docs section.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MemoryResult } from './idle-memory.ts';
import { median } from './median.ts';
import { renderLatencyBulk, renderFixedMemory, summarizeLatencyBulk, type BulkSample, type LatencyBulkSummary } from './report-latency-bulk.ts';
import { machineMarkdown, type MachineInfo } from './machine-info.ts';
import type { BenchOptions } from './options.ts';
import { TARGET_LABELS, type TargetName } from './targets.ts';
import { METRIC_LABELS, THROUGHPUT_METRICS, type ThroughputMetric, type WorkloadName } from './workloads.ts';

/** One throughput number from one round. */
export interface Sample {
  round: number;
  target: TargetName;
  metric: ThroughputMetric;
  rps: number;
  p50Ms: number | undefined;
  /** Absent in results written before p99 was recorded. */
  p99Ms?: number | undefined;
}

/** CPU time the proxy's process tree used for one workload run, per 1 000 requests. */
export interface CpuSample {
  round: number;
  target: TargetName;
  workload: WorkloadName;
  msPerKReq: number;
}

/** Why a target has no (or partial) numbers. */
export interface TargetStatus {
  target: TargetName;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
}

/** Everything one run produced; this is what latest.json holds. */
export interface RunResult {
  machine: MachineInfo;
  options: BenchOptions;
  targets: TargetStatus[];
  samples: Sample[];
  cpu: CpuSample[];
  memory: Partial<Record<TargetName, MemoryResult>>;
  errors: Array<{ round: number; target: TargetName; workload: WorkloadName | 'memory' | 'bulk'; error: string }>;
  /** The bulk (iperf3) workload per round and target; absent in older results. */
  bulk?: BulkSample[];
  summary?: Summary;
}

/** Median and relative spread per target per metric, plus the ratios. */
export interface Summary extends LatencyBulkSummary {
  medians: Partial<Record<TargetName, Partial<Record<ThroughputMetric | 'memory', number>>>>;
  spreadPct: Partial<Record<TargetName, Partial<Record<ThroughputMetric, number>>>>;
  ratios: Array<{ label: string; values: Partial<Record<ThroughputMetric | 'memory', number>> }>;
  /** Median proxy CPU ms per 1 000 requests, per target and workload. */
  cpu: Partial<Record<TargetName, Partial<Record<WorkloadName, number>>>>;
}

export const RATIOS: Array<{ label: string; num: TargetName; den: TargetName }> = [
  { label: 'Fulcrum ÷ HAProxy', num: 'fulcrum', den: 'haproxy' },
  { label: 'Fulcrum ÷ nginx', num: 'fulcrum', den: 'nginx' },
  { label: 'Fulcrum ÷ direct', num: 'fulcrum', den: 'direct' },
  { label: 'naive ÷ HAProxy', num: 'naive', den: 'haproxy' },
  { label: 'socket relay ÷ native', num: 'fulcrum-socket', den: 'fulcrum' },
];


export function summarize(r: RunResult): Summary {
  const medians: Summary['medians'] = {};
  const spreadPct: Summary['spreadPct'] = {};
  for (const { target } of r.targets) {
    const m: Partial<Record<ThroughputMetric | 'memory', number>> = {};
    const sp: Partial<Record<ThroughputMetric, number>> = {};
    for (const metric of THROUGHPUT_METRICS) {
      const xs = r.samples.filter((s) => s.target === target && s.metric === metric).map((s) => s.rps);
      const med = median(xs);
      if (med === undefined) continue;
      m[metric] = med;
      // Half the min–max range, relative to the median: a quick "how much to trust this".
      sp[metric] = ((Math.max(...xs) - Math.min(...xs)) / 2 / med) * 100;
    }
    const mem = r.memory[target];
    if (mem && !mem.error) m.memory = mem.bytesPerConnection;
    medians[target] = m;
    spreadPct[target] = sp;
  }
  const ratios = RATIOS.map(({ label, num, den }) => {
    const values: Partial<Record<ThroughputMetric | 'memory', number>> = {};
    for (const metric of [...THROUGHPUT_METRICS, 'memory'] as const) {
      const a = medians[num]?.[metric];
      const b = medians[den]?.[metric];
      if (a !== undefined && b !== undefined && b > 0) values[metric] = a / b;
    }
    return { label, values };
  }).filter((x) => Object.keys(x.values).length > 0);
  const cpu: Summary['cpu'] = {};
  for (const { target } of r.targets) {
    for (const workload of WORKLOADS) {
      const med = median((r.cpu ?? []).filter((c) => c.target === target && c.workload === workload).map((c) => c.msPerKReq));
      if (med !== undefined) (cpu[target] ??= {})[workload] = med;
    }
  }
  return { medians, spreadPct, ratios, cpu, ...summarizeLatencyBulk(r) };
}

const WORKLOADS: WorkloadName[] = ['plain', 'pipelined', 'churn'];

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');
const fmtKiB = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The results section: tables, ratios, memory detail, skipped targets, errors, machine. */
export function renderMarkdown(r: RunResult, s: Summary): string {
  const targets = r.targets.map((t) => t.target);
  const metrics = [...THROUGHPUT_METRICS, ...(r.options.memory ? (['memory'] as const) : [])];
  const o = r.options;
  const out: string[] = [];
  out.push(`### Run of ${r.machine.date}${o.quick ? ' (QUICK SMOKE RUN — numbers are not meaningful)' : ''}`);
  out.push('');
  out.push(`${o.rounds} interleaved round(s); -n plain ${o.n.plain}, pipelined ${o.n.pipelined}, churn ${o.n.churn}; ` +
    (o.memory ? `${o.idleConnections} idle connections for memory (once, on fresh processes); ` : 'memory not measured; ') +
    (o.bulk ? `bulk iperf3 -P 4 -t ${o.bulkSeconds}; ` : 'bulk not measured; ') +
    `workers ${o.workers}. Throughput: median over rounds, ± half the min–max range.`);
  if (o.workers > 1) {
    out.push('');
    out.push(`With ${o.workers} workers: HAProxy nbthread ${o.workers}, nginx worker_processes ${o.workers}, Fulcrum --workers ${o.workers} ` +
      '(plus its primary process); the naive Node pipe stays one process. All share the same cores as redis and redis-benchmark.');
  }
  out.push('');
  out.push(`| metric | ${targets.map((t) => TARGET_LABELS[t]).join(' | ')} |`);
  out.push(`|---|${targets.map(() => '---:').join('|')}|`);
  for (const metric of metrics) {
    const cells = targets.map((t) => {
      const v = s.medians[t]?.[metric];
      if (v === undefined) return '—';
      if (metric === 'memory') return fmtKiB(v);
      const sp = s.spreadPct[t]?.[metric];
      return sp !== undefined && o.rounds > 1 ? `${fmtInt(v)} ±${sp.toFixed(0)}%` : fmtInt(v);
    });
    out.push(`| ${METRIC_LABELS[metric]} | ${cells.join(' | ')} |`);
  }
  out.push('');
  out.push('Ratios of medians from this run (throughput: higher is better; memory: lower is better):');
  out.push('');
  out.push(`| metric | ${s.ratios.map((x) => x.label).join(' | ')} |`);
  out.push(`|---|${s.ratios.map(() => '---:').join('|')}|`);
  for (const metric of metrics) {
    const cells = s.ratios.map((x) => { const v = x.values[metric]; return v === undefined ? '—' : `${v.toFixed(2)}×`; });
    out.push(`| ${METRIC_LABELS[metric]} | ${cells.join(' | ')} |`);
  }
  const cpuTargets = targets.filter((t) => s.cpu[t] !== undefined);
  if (cpuTargets.length > 0) {
    out.push('');
    out.push('Proxy CPU time per 1 000 requests (user + system of its process tree, median over rounds; lower is better). ' +
      'Steadier than req/s on a shared machine: it does not depend on how the cores were split with redis and redis-benchmark.');
    out.push('');
    const hasRatio = s.cpu.fulcrum !== undefined && s.cpu.haproxy !== undefined;
    out.push(`| workload | ${cpuTargets.map((t) => TARGET_LABELS[t]).join(' | ')} |${hasRatio ? ' Fulcrum ÷ HAProxy |' : ''}`);
    out.push(`|---|${cpuTargets.map(() => '---:').join('|')}|${hasRatio ? '---:|' : ''}`);
    for (const w of WORKLOADS) {
      const cells = cpuTargets.map((t) => { const v = s.cpu[t]?.[w]; return v === undefined ? '—' : `${v.toFixed(2)} ms`; });
      const f = s.cpu.fulcrum?.[w];
      const h = s.cpu.haproxy?.[w];
      const ratio = hasRatio ? ` ${f !== undefined && h !== undefined && h > 0 ? `${(f / h).toFixed(2)}×` : '—'} |` : '';
      out.push(`| ${w} | ${cells.join(' | ')} |${ratio}`);
    }
  }
  out.push(...renderLatencyBulk(r, s));
  const mem = Object.entries(r.memory) as Array<[TargetName, MemoryResult]>;
  if (mem.length > 0) {
    out.push('');
    out.push('Memory detail (RSS of the whole process tree, e.g. nginx master + worker):');
    out.push('');
    out.push('| target | connections held | backend conns seen by redis | RSS before | RSS after | per connection |');
    out.push('|---|---:|---:|---:|---:|---:|');
    for (const [t, m] of mem) {
      const per = m.error ? `error: ${m.error}` : fmtKiB(m.bytesPerConnection);
      out.push(`| ${TARGET_LABELS[t]} | ${m.connections} | ${m.backendClients ?? '?'} | ` +
        `${(m.rssBeforeBytes / 2 ** 20).toFixed(1)} MiB | ${(m.rssAfterBytes / 2 ** 20).toFixed(1)} MiB | ${per} |`);
    }
    out.push(...renderFixedMemory(mem, r.options.workers));
  }
  const notOk = r.targets.filter((t) => t.status !== 'ok');
  if (notOk.length > 0) {
    out.push('');
    for (const t of notOk) out.push(`- **${TARGET_LABELS[t.target]} ${t.status}**: ${t.reason ?? ''}`);
  }
  if (r.errors.length > 0) {
    out.push('');
    out.push('Errors during the run:');
    for (const e of r.errors) out.push(`- round ${e.round}, ${e.target}, ${e.workload}: ${e.error}`);
  }
  out.push('');
  out.push('Machine:');
  out.push('');
  out.push(machineMarkdown(r.machine));
  return out.join('\n') + '\n';
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Writes results/latest.md and results/latest.json. */
export function writeResults(dir: string, r: RunResult, markdown: string, name = 'latest'): void {
  writeFile(`${dir}/${name}.md`, `# Fulcrum benchmark — latest run\n\n${markdown}`);
  writeFile(`${dir}/${name}.json`, JSON.stringify(r, null, 2) + '\n');
}

export const DOCS_START = '<!-- bench:results:start (generated by `pnpm bench --write-docs`; edit above or below) -->';
export const DOCS_END = '<!-- bench:results:end -->';

/**
 * Replaces the generated section of docs/BENCHMARKS.md, keeping the hand-written text around it.
 * Runs with --workers N > 1 have their own section (and markers), so neither overwrites the other.
 */
export function writeDocsSection(docsPath: string, markdown: string, workers = 1): void {
  const start = workers > 1 ? DOCS_START.replace('bench:results:start', `bench:results-workers-${workers}:start`) : DOCS_START;
  const end = workers > 1 ? DOCS_END.replace('bench:results:end', `bench:results-workers-${workers}:end`) : DOCS_END;
  const block = `${start}\n\n${markdown}\n${end}`;
  const doc = existsSync(docsPath) ? readFileSync(docsPath, 'utf8') : '# Benchmarks\n';
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  const heading = workers > 1 ? `## Results with ${workers} workers` : '## Results';
  const next = a >= 0 && b > a
    ? doc.slice(0, a) + block + doc.slice(b + end.length)
    : `${doc.trimEnd()}\n\n${heading}\n\n${block}\n`;
  writeFile(docsPath, next);
}
