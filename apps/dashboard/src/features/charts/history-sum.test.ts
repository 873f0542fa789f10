import { describe, expect, it } from 'vitest';
import type { ClusterDto, ClusterNodeDto } from '@fulcrum/shared/cluster';
import type { HistoryDto, HistoryMarkDto, HistorySeriesDto } from '@fulcrum/shared/history';
import { HistoryMismatchError, sumHistories } from './history-sum.ts';
import { historyTarget } from './scoped-history.ts';

/** A series with `values` for the counters and `health` for up/down. */
const series = (values: (number | null)[], health = values): HistorySeriesDto => ({
  active: values,
  newPerSec: values,
  bytesInPerSec: values,
  bytesOutPerSec: values,
  rejectedPerSec: values,
  connectFailuresPerSec: values,
  up: health,
  down: health,
});

const mark = (id: number, time: string, message: string): HistoryMarkDto => ({ id, time, kind: 'service-updated', backendId: null, message, health: null });

const answer = (times: number[], values: (number | null)[], extra: Partial<HistoryDto> = {}): HistoryDto => ({
  serviceId: 1,
  range: '5m',
  stepMs: 10_000,
  times,
  service: series(values),
  backends: [{ id: 7, address: '10.0.0.1:6379', ...series(values) }],
  marks: [],
  ...extra,
});

describe('sumHistories', () => {
  it('adds counters per slot time; null only where no node has a point; the union of both answers\' slots', () => {
    // b answered a moment later: its window starts and ends one slot later.
    const a = answer([10_000, 20_000, 30_000], [1, null, 3]);
    const b = answer([20_000, 30_000, 40_000], [null, 5, 6]);
    const sum = sumHistories([a, b]);
    expect(sum.times).toEqual([10_000, 20_000, 30_000, 40_000]);
    expect(sum.service.active).toEqual([1, null, 8, 6]);
    expect(sum.service.bytesInPerSec).toEqual([1, null, 8, 6]);
    expect(sum.backends).toHaveLength(1);
    expect(sum.backends[0]!.newPerSec).toEqual([1, null, 8, 6]);
    expect(sum.backends[0]!.address).toBe('10.0.0.1:6379');
  });

  it('health is not added: up where every node saw it up, down where any did', () => {
    const a = answer([0, 10_000], [1, 1], { service: series([1, 1], [1, 0]) });
    const b = answer([0, 10_000], [1, 1], { service: series([1, 1], [1, 1]) });
    const sum = sumHistories([a, b]);
    expect(sum.service.up).toEqual([1, 0]);
    expect(sum.service.down).toEqual([1, 1]);
  });

  it('keeps backends only one node knows, and each mark once', () => {
    const shared = mark(3, '2026-11-30T10:00:05.000Z', 'service "x" updated');
    const a = answer([0], [2], { marks: [shared] });
    const b = answer([0], [4], {
      backends: [{ id: 9, address: null, ...series([4]) }],
      marks: [mark(1, '2026-11-30T10:00:01.000Z', 'backend 9 down'), { ...shared }],
    });
    const sum = sumHistories([a, b]);
    expect(sum.backends.map((x) => [x.id, x.active])).toEqual([
      [7, [2]],
      [9, [4]],
    ]);
    expect(sum.marks.map((m) => m.id)).toEqual([1, 3]);
  });

  it('refuses answers that do not share one slot grid', () => {
    expect(() => sumHistories([answer([0], [1]), answer([0], [1], { stepMs: 60_000 })])).toThrow(HistoryMismatchError);
    expect(() => sumHistories([answer([0], [1]), answer([5_000], [1])])).toThrow(HistoryMismatchError);
  });
});

const node = (name: string, state: ClusterNodeDto['state'], self = false) => ({ name, state, self }) as ClusterNodeDto;

describe('historyTarget', () => {
  const cluster = { nodes: [node('a', 'in-step', true), node('b', 'in-step'), node('c', 'lost')] } as ClusterDto;
  it('loads this node, one other node, or every node that is not lost', () => {
    expect(historyTarget({ kind: 'self', name: 'a' }, cluster)).toEqual({ nodes: ['a'], self: 'a', lost: [] });
    expect(historyTarget({ kind: 'node', name: 'b' }, cluster)).toEqual({ nodes: ['b'], self: 'a', lost: [] });
    expect(historyTarget({ kind: 'cluster' }, cluster)).toEqual({ nodes: ['a', 'b'], self: 'a', lost: ['c'] });
  });
});
