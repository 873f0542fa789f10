// The bulk workload: an iperf3 server is the backend and `iperf3 -c … -P 4 -t 5` runs through
// each target. Replication, backups, COPY and big values are bulk: what matters is how many
// bytes per second and per CPU second the proxy moves, not how many requests.
import { join } from 'node:path';
import { freePort, runToCompletion, startProcess, type Tracked } from './processes.ts';

/** One iperf3 client run through a target. */
export interface BulkResult {
  /** Received by the iperf3 server, all streams together; undefined on error. */
  gbps: number | undefined;
  /** Bytes the server received: the CPU figure is per GiB of this. */
  bytes: number | undefined;
  error: string | undefined;
  seconds: number;
}

/** Starts `iperf3 -s` on a free loopback port (the bulk backend shared by every target). */
export async function startIperfServer(tmpDir: string): Promise<{ port: number; process: Tracked }> {
  const port = await freePort();
  const t = startProcess('iperf3', 'iperf3', ['-s', '-B', '127.0.0.1', '-p', String(port)], {
    logPath: join(tmpDir, 'iperf3.log'),
  });
  return { port, process: t };
}

/** The numbers we read from `iperf3 -J` (its JSON report). */
interface IperfJson {
  error?: string;
  end?: { sum_received?: { bits_per_second?: number; bytes?: number } };
}

/** Parses `iperf3 -c … -J` output into Gb/s received; an `error` field or bad JSON is an error. */
export function parseIperfJson(stdout: string): { gbps: number; bytes: number } | { error: string } {
  let doc: IperfJson;
  try {
    doc = JSON.parse(stdout) as IperfJson;
  } catch {
    return { error: `unreadable iperf3 output: ${JSON.stringify(stdout.slice(0, 80))}` };
  }
  if (doc.error) return { error: doc.error };
  const bps = doc.end?.sum_received?.bits_per_second;
  const bytes = doc.end?.sum_received?.bytes;
  if (typeof bps !== 'number' || typeof bytes !== 'number' || bps <= 0) return { error: 'iperf3 reported no received bytes' };
  return { gbps: bps / 1e9, bytes };
}

/** Runs `iperf3 -c 127.0.0.1 -p port -P streams -t seconds -J` with a hard timeout. */
export async function runBulk(port: number, streams: number, seconds: number, timeoutMs: number): Promise<BulkResult> {
  const started = Date.now();
  const res = await runToCompletion('iperf3 client', 'iperf3', [
    '-c', '127.0.0.1', '-p', String(port), '-P', String(streams), '-t', String(seconds), '-J',
  ], timeoutMs);
  const elapsed = (Date.now() - started) / 1000;
  if (res.timedOut) return { gbps: undefined, bytes: undefined, error: `timed out after ${timeoutMs} ms`, seconds: elapsed };
  const parsed = parseIperfJson(res.stdout);
  if ('error' in parsed) return { gbps: undefined, bytes: undefined, error: `${parsed.error} (exit ${res.code})`, seconds: elapsed };
  return { gbps: parsed.gbps, bytes: parsed.bytes, error: undefined, seconds: elapsed };
}
