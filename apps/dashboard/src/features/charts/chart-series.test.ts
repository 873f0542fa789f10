import { describe, expect, it } from 'vitest';
import type { BackendPoint, HistoryPoint } from '../../store/stats-slice.ts';
import { GAP_MS, buildChartRows, collectSeries } from './chart-series.ts';

function bp(active: number, newPerSec: number | null = null, bytesIn: number | null = null, bytesOut: number | null = null, address = 'x:1'): BackendPoint {
  return { active, address, newPerSec, bytesInPerSec: bytesIn, bytesOutPerSec: bytesOut };
}

const points: HistoryPoint[] = [
  { time: 1000, services: { 1: { active: 3, backends: { 10: bp(3, null, null, null, 'a:1') } } } },
  { time: 2000, services: { 1: { active: 5, backends: { 10: bp(4, 2, 100, 50, 'a:1'), 11: bp(1, 1, 0, 10, 'b:1') } } } },
  { time: 3000, services: { 1: { active: 1, backends: { 11: bp(1, 0, null, null, 'b:1') } }, 2: { active: 9, backends: { 20: bp(9, null, null, null, 'c:1') } } } },
];

describe('collectSeries', () => {
  it('includes configured backends and ones only seen in history, all labelled by address', () => {
    const series = collectSeries(points, 1, new Map([[11, 'b:1']]));
    expect(series).toEqual([
      { id: 10, key: 'b10', label: 'a:1' },
      { id: 11, key: 'b11', label: 'b:1' },
    ]);
  });
  it('keeps the address of a backend that was removed and has left the stats', () => {
    // Backend 10 is in neither the config nor the newest point: only older points know it.
    expect(collectSeries(points, 1, new Map()).find((s) => s.id === 10)?.label).toBe('a:1');
  });
  it('prefers the configured address, and the newest recorded one otherwise', () => {
    const renamed: HistoryPoint[] = [...points, { time: 4000, services: { 1: { active: 0, backends: { 10: bp(0, null, null, null, 'a:2') } } } }];
    expect(collectSeries(renamed, 1, new Map()).find((s) => s.id === 10)?.label).toBe('a:2');
    expect(collectSeries(renamed, 1, new Map([[10, 'configured:1']])).find((s) => s.id === 10)?.label).toBe('configured:1');
  });
  it('includes a configured backend with no history yet', () => {
    expect(collectSeries([], 1, new Map([[12, 'new:1']]))).toEqual([{ id: 12, key: 'b12', label: 'new:1' }]);
  });
  it('ignores other services', () => {
    expect(collectSeries(points, 2, new Map()).map((s) => s.id)).toEqual([20]);
  });
});

describe('buildChartRows', () => {
  const series = collectSeries(points, 1, new Map());

  it('maps active connections with gaps for absent backends', () => {
    expect(buildChartRows(points, 1, series, 'active')).toEqual([
      { time: 1000, b10: 3, b11: null },
      { time: 2000, b10: 4, b11: 1 },
      { time: 3000, b10: null, b11: 1 },
    ]);
  });
  it('maps new connections per second', () => {
    expect(buildChartRows(points, 1, series, 'newPerSec').map((r) => r.b10)).toEqual([null, 2, null]);
  });
  it('sums both directions for throughput', () => {
    expect(buildChartRows(points, 1, series, 'throughput').map((r) => [r.b10, r.b11])).toEqual([
      [null, null],
      [150, 10],
      [null, null],
    ]);
  });
});

describe('buildChartRows across an outage', () => {
  const series = [{ id: 10, key: 'b10', label: 'a:1' }];
  const at = (time: number, active: number): HistoryPoint => ({ time, services: { 1: { active, backends: { 10: bp(active) } } } });

  it('breaks the line with a row of nulls where points are more than GAP_MS apart', () => {
    const rows = buildChartRows([at(1000, 4), at(2000, 5), at(2000 + GAP_MS + 1, 9), at(3000 + GAP_MS + 1, 9)], 1, series, 'active');
    expect(rows).toEqual([
      { time: 1000, b10: 4 },
      { time: 2000, b10: 5 },
      { time: 2001, b10: null },
      { time: 2001 + GAP_MS, b10: 9 },
      { time: 3001 + GAP_MS, b10: 9 },
    ]);
  });

  it('adds nothing while points arrive about once a second', () => {
    expect(buildChartRows([at(1000, 1), at(1900, 1), at(3100, 1)], 1, series, 'active')).toHaveLength(3);
  });
});
