// The latency (p50/p99 of the plain workload), bulk (iperf3 Gb/s and CPU per GiB) and fixed
// memory parts of the report: summarised and rendered apart from the throughput tables.
import type { MemoryResult } from './idle-memory.ts';
import { median } from './median.ts';
import { TARGET_LABELS, type TargetName } from './targets.ts';
import type { ThroughputMetric } from './workloads.ts';

/** One bulk run: Gb/s received by the iperf3 server and the proxy's CPU per GiB moved. */
export interface BulkSample {
  round: number;
  target: TargetName;
  gbps: number;
  /** undefined for `direct` (no proxy process). */
  cpuMsPerGiB: number | undefined;
}

/** Medians over rounds: latency of the plain workload, bulk throughput and CPU per GiB. */
export interface LatencyBulkSummary {
  latency: Partial<Record<TargetName, Partial<Record<'get' | 'set', { p50Ms: number; p99Ms: number }>>>>;
  bulk: Partial<Record<TargetName, { gbps: number; cpuMsPerGiB: number | undefined; spreadPct: number }>>;
}

/** What this part needs of a run (a structural subset of RunResult, to keep imports one-way). */
interface RunPart {
  targets: Array<{ target: TargetName }>;
  samples: Array<{ target: TargetName; metric: ThroughputMetric; p50Ms: number | undefined; p99Ms?: number | undefined }>;
  bulk?: BulkSample[];
}


const defined = (xs: Array<number | undefined>): number[] => xs.filter((x): x is number => x !== undefined);

export function summarizeLatencyBulk(r: RunPart): LatencyBulkSummary {
  const latency: LatencyBulkSummary['latency'] = {};
  const bulk: LatencyBulkSummary['bulk'] = {};
  for (const { target } of r.targets) {
    for (const metric of ['get', 'set'] as const) {
      const rows = r.samples.filter((s) => s.target === target && s.metric === metric);
      const p50 = median(defined(rows.map((s) => s.p50Ms)));
      const p99 = median(defined(rows.map((s) => s.p99Ms)));
      if (p50 !== undefined && p99 !== undefined) (latency[target] ??= {})[metric] = { p50Ms: p50, p99Ms: p99 };
    }
    const runs = (r.bulk ?? []).filter((b) => b.target === target);
    const gbps = median(runs.map((b) => b.gbps));
    if (gbps === undefined) continue;
    const speeds = runs.map((b) => b.gbps);
    bulk[target] = {
      gbps,
      cpuMsPerGiB: median(defined(runs.map((b) => b.cpuMsPerGiB))),
      spreadPct: ((Math.max(...speeds) - Math.min(...speeds)) / 2 / gbps) * 100,
    };
  }
  return { latency, bulk };
}

const ratio = (a: number | undefined, b: number | undefined): string =>
  a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}×` : '—';

/** Markdown lines: the latency table and the bulk table (each only if measured). */
export function renderLatencyBulk(r: RunPart, s: LatencyBulkSummary): string[] {
  const out: string[] = [];
  const targets = r.targets.map((t) => t.target);
  const latTargets = targets.filter((t) => s.latency[t] !== undefined);
  if (latTargets.length > 0) {
    const hasRatio = s.latency.fulcrum !== undefined && s.latency.haproxy !== undefined;
    out.push('', 'Latency of the plain workload (redis-benchmark -c 50; its p50 / p99 in ms, median over rounds; lower is better):', '');
    out.push(`| request | ${latTargets.map((t) => TARGET_LABELS[t]).join(' | ')} |${hasRatio ? ' Fulcrum ÷ HAProxy (p50 / p99) |' : ''}`);
    out.push(`|---|${latTargets.map(() => '---:').join('|')}|${hasRatio ? '---:|' : ''}`);
    for (const metric of ['get', 'set'] as const) {
      const cells = latTargets.map((t) => {
        const v = s.latency[t]?.[metric];
        return v === undefined ? '—' : `${v.p50Ms.toFixed(3)} / ${v.p99Ms.toFixed(3)}`;
      });
      const f = s.latency.fulcrum?.[metric];
      const h = s.latency.haproxy?.[metric];
      const rcell = hasRatio ? ` ${ratio(f?.p50Ms, h?.p50Ms)} / ${ratio(f?.p99Ms, h?.p99Ms)} |` : '';
      out.push(`| ${metric.toUpperCase()} | ${cells.join(' | ')} |${rcell}`);
    }
  }
  const bulkTargets = targets.filter((t) => s.bulk[t] !== undefined);
  if (bulkTargets.length > 0) {
    out.push('', 'Bulk transfer (iperf3 server as the backend, `iperf3 -P 4` through each target; Gb/s received, median over rounds, ' +
      '± half the min–max range; proxy CPU per GiB moved, lower is better):', '');
    out.push('| target | Gb/s | ÷ HAProxy | CPU per GiB | ÷ HAProxy |');
    out.push('|---|---:|---:|---:|---:|');
    const h = s.bulk.haproxy;
    for (const t of bulkTargets) {
      const b = s.bulk[t];
      if (!b) continue;
      const cpu = b.cpuMsPerGiB === undefined ? '—' : `${b.cpuMsPerGiB.toFixed(0)} ms`;
      out.push(`| ${TARGET_LABELS[t]} | ${b.gbps.toFixed(2)} ±${b.spreadPct.toFixed(0)}% | ${ratio(b.gbps, h?.gbps)} | ` +
        `${cpu} | ${ratio(b.cpuMsPerGiB, h?.cpuMsPerGiB)} |`);
    }
  }
  return out;
}

/** Issue 14's fixed-memory targets: one process, and each relay worker of a primary. */
export const FIXED_RSS_TARGET_MIB = { single: 110, worker: 60 } as const;

/** "≤ 110 MiB single: met" or "≤ 60 MiB per worker: met (primary …)": the target beside the figures. */
export function fulcrumFixedTarget(processes: ReadonlyArray<{ rssBytes: number }>, workers: number): string {
  const mib = (b: number) => b / 2 ** 20;
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const [root, ...children] = processes;
  if (root === undefined) return '';
  if (workers <= 1) return `≤ ${FIXED_RSS_TARGET_MIB.single} MiB single: ${verdict(mib(root.rssBytes) <= FIXED_RSS_TARGET_MIB.single)}`;
  return `≤ ${FIXED_RSS_TARGET_MIB.worker} MiB per worker: ${verdict(children.length > 0 && children.every((w) => mib(w.rssBytes) <= FIXED_RSS_TARGET_MIB.worker))}`;
}

/** Markdown lines: RSS of each process of a target before its first connection. */
export function renderFixedMemory(mem: Array<[TargetName, MemoryResult]>, workers: number): string[] {
  const rows = mem.filter(([, m]) => m.processes !== undefined && m.processes.length > 0);
  if (rows.length === 0) return [];
  const out = ['', 'Fixed memory before any proxied connection (RSS per process of the tree: the first is the one started, ' +
    'then its children, e.g. Fulcrum\'s workers or nginx\'s worker):', ''];
  out.push('| target | RSS per process | target (issue 14) |');
  out.push('|---|---|---|');
  for (const [t, m] of rows) {
    const cells = (m.processes ?? []).map((p) => `${(p.rssBytes / 2 ** 20).toFixed(1)} MiB`).join(' + ');
    out.push(`| ${TARGET_LABELS[t]} | ${cells} | ${t === 'fulcrum' ? fulcrumFixedTarget(m.processes ?? [], workers) : ''} |`);
  }
  return out;
}
