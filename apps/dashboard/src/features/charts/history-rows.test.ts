import { describe, expect, it } from 'vitest';
import type { HistoryDto } from '@fulcrum/shared/history';
import { historyRows, historySeries, timeTicks } from './history-rows.ts';

const series = (values: (number | null)[]) => ({
  active: values,
  newPerSec: values,
  bytesInPerSec: values,
  bytesOutPerSec: values.map((v) => (v === null ? null : 1)),
  rejectedPerSec: values,
  connectFailuresPerSec: values,
  up: values,
  down: values,
});

const history: HistoryDto = {
  serviceId: 1,
  range: '5m',
  stepMs: 10_000,
  times: [0, 10_000, 20_000],
  service: series([1, null, 2]),
  backends: [
    { id: 3, address: '127.0.0.1:1', ...series([1, null, 2]) },
    { id: 4, address: null, ...series([null, null, 5]) },
  ],
  marks: [],
};

describe('historyRows', () => {
  it('keeps null where nothing was recorded, so the chart leaves a gap', () => {
    const s = historySeries(history);
    expect(s.map((x) => x.label)).toEqual(['127.0.0.1:1', 'backend #4 (removed)']);
    expect(historyRows(history, s, 'active')).toEqual([
      { time: 0, b3: 1, b4: null },
      { time: 10_000, b3: null, b4: null },
      { time: 20_000, b3: 2, b4: 5 },
    ]);
    expect(historyRows(history, s, 'throughput').map((r) => r.b3)).toEqual([2, null, 3]);
  });
});

describe('timeTicks', () => {
  it('lands on multiples of the spacing', () => {
    const ticks = timeTicks(1_000, 200_000, 60_000);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.every((t) => (t - new Date(t).getTimezoneOffset() * 60_000) % 60_000 === 0)).toBe(true);
  });
});
