import { describe, expect, it } from 'vitest';
import type { BackendStatsDto, StatsDto } from '@fulcrum/shared/api';
import { backendStatsDto, serviceStatsDto } from '../../test/fixtures/api-samples.ts';
import { computeRates, createStatsSlice, HISTORY_CAPACITY, ingestStats, ratePerSec, type StatsSlice } from './stats-slice.ts';

function sample(time: number, backends: Array<Partial<BackendStatsDto> & { id: number }>): StatsDto {
  const full = backends.map((b) => backendStatsDto(b.id, `10.0.0.${b.id}:6379`, b));
  const sum = (k: 'active' | 'total' | 'bytesIn' | 'bytesOut') => full.reduce((n, b) => n + b[k], 0);
  return {
    time,
    services: [serviceStatsDto(full, { name: 's', listen: ':1', active: sum('active'), total: sum('total'), bytesIn: sum('bytesIn'), bytesOut: sum('bytesOut') })],
  };
}

function feed(state: StatsSlice, s: StatsDto): StatsSlice {
  return { ...state, ...ingestStats(state, s) };
}

describe('ratePerSec', () => {
  it('divides the delta by the interval', () => {
    expect(ratePerSec(100, 600, 500)).toBe(1000);
    expect(ratePerSec(0, 3, 1000)).toBe(3);
  });
  it('is null for a first sample, a zero interval or a counter reset', () => {
    expect(ratePerSec(undefined, 10, 500)).toBeNull();
    expect(ratePerSec(10, 20, 0)).toBeNull();
    expect(ratePerSec(50, 10, 500)).toBeNull();
  });
});

describe('computeRates', () => {
  it('computes per-backend and per-service rates matched by id', () => {
    const a = sample(1000, [{ id: 1, total: 10, bytesIn: 1000, bytesOut: 0 }, { id: 2, total: 5 }]);
    const b = sample(1500, [{ id: 2, total: 6 }, { id: 1, total: 20, bytesIn: 3000, bytesOut: 512 }]);
    const rates = computeRates(a, b);
    expect(rates[1]?.backends[1]).toEqual({ newPerSec: 20, bytesInPerSec: 4000, bytesOutPerSec: 1024 });
    expect(rates[1]?.backends[2]?.newPerSec).toBe(2);
    expect(rates[1]?.newPerSec).toBe(22);
  });
  it('gives a new backend null rates', () => {
    const rates = computeRates(sample(0, [{ id: 1 }]), sample(500, [{ id: 1 }, { id: 3, total: 4 }]));
    expect(rates[1]?.backends[3]).toEqual({ newPerSec: null, bytesInPerSec: null, bytesOutPerSec: null });
  });
  it('refuses to average over a long gap', () => {
    const rates = computeRates(sample(0, [{ id: 1, total: 0 }]), sample(60_000, [{ id: 1, total: 600 }]));
    expect(rates[1]?.backends[1]?.newPerSec).toBeNull();
  });
});

describe('ingestStats', () => {
  it('downsamples the 500 ms stream to one history point per second', () => {
    let state = createStatsSlice();
    for (let i = 0; i <= 10; i++) state = feed(state, sample(10_000 + i * 500, [{ id: 1, active: i, total: i * 10 }]));
    const points = state.history.toArray();
    expect(points.map((p) => p.time)).toEqual([10_000, 11_000, 12_000, 13_000, 14_000, 15_000]);
    expect(state.historyVersion).toBe(6);
    // 20 new connections per second, measured over the full second between points.
    expect(points[1]?.services[1]?.backends[1]).toEqual({ active: 2, address: '10.0.0.1:6379', newPerSec: 20, bytesInPerSec: 0, bytesOutPerSec: 0 });
    expect(points[0]?.services[1]?.backends[1]?.newPerSec).toBeNull();
  });

  it('tolerates jitter in the push interval', () => {
    let state = createStatsSlice();
    for (const t of [0, 480, 950, 1440, 1910, 2420]) state = feed(state, sample(t, [{ id: 1 }]));
    expect(state.history.toArray().map((p) => p.time)).toEqual([0, 950, 1910]);
  });

  it('computes table rates over the last ~2 s of samples', () => {
    let state = createStatsSlice();
    state = feed(state, sample(0, [{ id: 1, bytesOut: 0, total: 0 }]));
    state = feed(state, sample(500, [{ id: 1, bytesOut: 5000, total: 0 }]));
    expect(state.rates[1]?.backends[1]?.bytesOutPerSec).toBe(10_000);
    // One new connection in 2.5 s would read 2/s over one 500 ms interval; over the window it is 0.5/s.
    for (const t of [1000, 1500, 2000, 2500]) state = feed(state, sample(t, [{ id: 1, bytesOut: 5000, total: t === 2500 ? 1 : 0 }]));
    expect(state.rates[1]?.backends[1]?.newPerSec).toBe(0.5);
    expect(state.recent.map((s) => s.time)).toEqual([500, 1000, 1500, 2000, 2500]);
    expect(state.latest?.time).toBe(2500);
  });

  it('falls back to the previous sample after a gap, and gives no rate across a long one', () => {
    let state = createStatsSlice();
    state = feed(state, sample(0, [{ id: 1, total: 0 }]));
    state = feed(state, sample(3000, [{ id: 1, total: 30 }]));
    expect(state.rates[1]?.backends[1]?.newPerSec).toBe(10);
    state = feed(state, sample(60_000, [{ id: 1, total: 90 }]));
    expect(state.rates[1]?.backends[1]?.newPerSec).toBeNull();
  });

  it('ignores duplicate and out-of-order samples', () => {
    let state = createStatsSlice();
    state = feed(state, sample(1000, [{ id: 1, active: 1 }]));
    const patch = ingestStats(state, sample(1000, [{ id: 1, active: 9 }]));
    expect(patch).toEqual({});
    expect(ingestStats(state, sample(500, [{ id: 1 }]))).toEqual({});
  });

  it('keeps at most 5 minutes of history', () => {
    let state = createStatsSlice();
    for (let i = 0; i < 2000; i++) state = feed(state, sample(i * 1000, [{ id: 1, active: i }]));
    const points = state.history.toArray();
    expect(points).toHaveLength(HISTORY_CAPACITY);
    expect(points.at(-1)?.services[1]?.backends[1]?.active).toBe(1999);
    expect(points[0]?.time).toBe((2000 - HISTORY_CAPACITY) * 1000);
  });
});
