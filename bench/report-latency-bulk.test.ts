import { describe, expect, it } from 'vitest';
import { fulcrumFixedTarget, renderFixedMemory } from './report-latency-bulk.ts';

const MiB = 2 ** 20;
const proc = (mib: number, pid = 1) => ({ pid, rssBytes: mib * MiB });
const memory = (processes: Array<{ pid: number; rssBytes: number }>) =>
  ({ connections: 0, rssBeforeBytes: 0, rssAfterBytes: 0, bytesPerConnection: 0, processes, backendClients: undefined, error: undefined });

describe('fixed-memory target beside the RSS (issue 14)', () => {
  it('judges one process against 110 MiB', () => {
    expect(fulcrumFixedTarget([proc(104)], 1)).toBe('≤ 110 MiB single: met');
    expect(fulcrumFixedTarget([proc(111)], 1)).toBe('≤ 110 MiB single: **not met**');
  });

  it('judges each worker, not the primary, against 60 MiB', () => {
    expect(fulcrumFixedTarget([proc(130), proc(55, 2), proc(58, 3)], 2)).toBe('≤ 60 MiB per worker: met');
    expect(fulcrumFixedTarget([proc(100), proc(55, 2), proc(61, 3)], 2)).toBe('≤ 60 MiB per worker: **not met**');
    expect(fulcrumFixedTarget([proc(100)], 2)).toBe('≤ 60 MiB per worker: **not met**');
  });

  it('prints the target in Fulcrum\'s row only', () => {
    const lines = renderFixedMemory([['haproxy', memory([proc(15)])], ['fulcrum', memory([proc(104)])]], 1);
    expect(lines).toContain('| HAProxy | 15.0 MiB |  |');
    expect(lines).toContain('| Fulcrum | 104.0 MiB | ≤ 110 MiB single: met |');
  });
});
