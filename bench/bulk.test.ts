import { describe, expect, it } from 'vitest';
import { parseIperfJson } from './bulk.ts';
import { fulcrumConfig } from './targets.ts';
import { parseBenchmarkCsv } from './workloads.ts';

describe('bench parsing', () => {
  it('reads Gb/s and bytes received from iperf3 -J', () => {
    const out = JSON.stringify({ end: { sum_received: { bits_per_second: 4.2e9, bytes: 2_625_000_000 } } });
    expect(parseIperfJson(out)).toEqual({ gbps: 4.2, bytes: 2_625_000_000 });
  });

  it('turns iperf3 errors and unreadable output into errors', () => {
    expect(parseIperfJson(JSON.stringify({ error: 'unable to connect to server' }))).toEqual({ error: 'unable to connect to server' });
    expect(parseIperfJson('iperf3: error')).toHaveProperty('error');
    expect(parseIperfJson(JSON.stringify({ end: {} }))).toEqual({ error: 'iperf3 reported no received bytes' });
  });

  it('reads p50 and p99 from redis-benchmark --csv', () => {
    const csv = '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"\n' +
      '"GET","48497.58","0.9","0.1","0.911","1.2","2.455","9.1"\n';
    expect(parseBenchmarkCsv(csv)).toEqual([{ test: 'GET', rps: 48497.58, p50Ms: 0.911, p99Ms: 2.455 }]);
  });

  it('gives Fulcrum a bulk service only when the run measures bulk', () => {
    expect(fulcrumConfig(1, 2)).not.toContain('bulk');
    expect(fulcrumConfig(1, 2, { listen: 3, backend: 4 })).toContain('listen: 127.0.0.1:3');
  });
});
