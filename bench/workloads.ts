// The redis-benchmark workloads and the parsing of its --csv output.
import { runToCompletion } from './processes.ts';

/** Throughput metrics the report knows; each is req/s from one redis-benchmark test. */
export const THROUGHPUT_METRICS = ['get', 'set', 'p16get', 'churn'] as const;
export type ThroughputMetric = (typeof THROUGHPUT_METRICS)[number];

export const METRIC_LABELS: Record<ThroughputMetric | 'memory', string> = {
  get: 'GET req/s (-c 50)',
  set: 'SET req/s (-c 50)',
  p16get: 'GET req/s (-c 50 -P 16)',
  churn: 'PING req/s, new conn each (-c 20 -k 0)',
  memory: 'RSS per idle proxied connection',
};

export type WorkloadName = 'plain' | 'pipelined' | 'churn';

/** One redis-benchmark invocation and which of its CSV rows feed which metric. */
export interface Workload {
  name: WorkloadName;
  args: string[];
  /** redis-benchmark test name (upper case, as in the CSV) → metric. */
  rows: Record<string, ThroughputMetric>;
  /** Requests one run sends (every test of it): CPU time is reported per 1 000 of them. */
  requests: number;
}

export function workloads(n: Record<WorkloadName, number>): Workload[] {
  return [
    { name: 'plain', args: ['-c', '50', '-n', String(n.plain), '-t', 'get,set'], rows: { GET: 'get', SET: 'set' }, requests: 2 * n.plain },
    { name: 'pipelined', args: ['-c', '50', '-P', '16', '-n', String(n.pipelined), '-t', 'get'], rows: { GET: 'p16get' }, requests: n.pipelined },
    { name: 'churn', args: ['-c', '20', '-k', '0', '-n', String(n.churn), '-t', 'ping_inline'], rows: { PING_INLINE: 'churn' }, requests: n.churn },
  ];
}

/** One CSV row of redis-benchmark: test name, req/s and p50/p99 latency (ms). */
export interface BenchRow {
  test: string;
  rps: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
}

function splitCsvLine(line: string): string[] {
  // redis-benchmark quotes every field and never embeds quotes or commas in them.
  return line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
}

/** Parses `redis-benchmark --csv` stdout; ignores progress noise and unparsable lines. */
export function parseBenchmarkCsv(stdout: string): BenchRow[] {
  const lines = stdout.split(/\r?\n|\r/).map((l) => l.trim()).filter((l) => l.startsWith('"'));
  let header: string[] = ['test', 'rps'];
  const rows: BenchRow[] = [];
  for (const line of lines) {
    const fields = splitCsvLine(line);
    if (fields[0] === 'test') { header = fields; continue; }
    const at = (name: string) => fields[header.indexOf(name)];
    const rps = Number(at('rps'));
    const p50 = Number(at('p50_latency_ms'));
    const p99 = Number(at('p99_latency_ms'));
    const test = fields[0];
    if (!test || !Number.isFinite(rps)) continue;
    rows.push({
      test: test.toUpperCase(), rps,
      p50Ms: Number.isFinite(p50) ? p50 : undefined, p99Ms: Number.isFinite(p99) ? p99 : undefined,
    });
  }
  return rows;
}

/** Result of one workload on one target: metric → req/s (and p50), or an error. */
export interface WorkloadResult {
  values: Partial<Record<ThroughputMetric, { rps: number; p50Ms: number | undefined; p99Ms: number | undefined }>>;
  error: string | undefined;
  seconds: number;
}

/** Runs one workload against 127.0.0.1:port with a hard timeout. */
export async function runWorkload(w: Workload, port: number, timeoutMs: number): Promise<WorkloadResult> {
  const started = Date.now();
  const res = await runToCompletion(
    `redis-benchmark ${w.name}`,
    'redis-benchmark',
    ['-h', '127.0.0.1', '-p', String(port), '-q', '--csv', ...w.args],
    timeoutMs,
  );
  const seconds = (Date.now() - started) / 1000;
  const values: WorkloadResult['values'] = {};
  for (const row of parseBenchmarkCsv(res.stdout)) {
    const metric = w.rows[row.test];
    if (metric && row.rps > 0) values[metric] = { rps: row.rps, p50Ms: row.p50Ms, p99Ms: row.p99Ms };
  }
  const missing = Object.values(w.rows).filter((m) => !values[m]);
  let error: string | undefined;
  if (res.timedOut) error = `timed out after ${timeoutMs} ms`;
  else if (missing.length > 0) {
    const why = res.stderr.replace(/WARNING: Keepalive disabled[^\n]*\n?/, '').trim().split('\n').slice(-2).join(' ');
    error = `no result for ${missing.join(', ')} (exit ${res.code}${why ? `: ${why}` : ''})`;
  }
  return { values, error, seconds };
}
