import { describe, expect, it } from 'vitest';
import type { ClusterDto, NodeStatsDto } from '@fulcrum/shared/cluster';
import { noRejections } from '@fulcrum/shared/enums';
import { nextNodeHistory, type NodeHistory } from '../../store/node-history.ts';
import { nextNodeSamples, type NodeSamples } from '../../store/node-samples.ts';
import { HISTORY_CAPACITY, type HistoryPoint } from '../../store/stats-slice.ts';
import { WHOLE_CLUSTER } from '../../store/ui-slice.ts';
import { testCluster, testNode } from '../cluster/cluster-test-data.ts';
import { resolveScope } from '../overview/node-scope.ts';
import { buildChartRows, collectSeries } from './chart-series.ts';
import { clusterPoints, scopePoints, STALE_POINT_MS } from './scope-points.ts';

/** A heartbeat: service 1 with backends 10 and 11, each with its active count and total. */
function beat(time: number, b10: [number, number], b11: [number, number] = [0, 0]): NodeStatsDto {
  const backends = [
    { id: 10, health: 'up' as const, removed: false, active: b10[0], total: b10[1], bytesIn: 0, bytesOut: 0, connectFailures: 0, agent: null },
    { id: 11, health: 'up' as const, removed: false, active: b11[0], total: b11[1], bytesIn: 0, bytesOut: 0, connectFailures: 0, agent: null },
  ];
  return {
    time,
    services: [{ id: 1, active: b10[0] + b11[0], total: b10[1] + b11[1], rejected: 0, rejectedByReason: noRejections(), queued: 0, bytesIn: 0, bytesOut: 0, backends }],
  };
}

function view(a: NodeStatsDto | null, b: NodeStatsDto | null): ClusterDto {
  return testCluster([testNode('a', { self: true, stats: a }), testNode('b', { stats: b })]);
}

/** Feeds cluster views through the store's shaping, as pushes would. */
function feed(views: ClusterDto[]): NodeHistory {
  let samples: NodeSamples = {};
  let history: NodeHistory = {};
  for (const v of views) {
    const next = nextNodeSamples(samples, v);
    history = nextNodeHistory(history, samples, next);
    samples = next;
  }
  return history;
}

const active = (p: HistoryPoint | undefined, backend?: number) => (backend === undefined ? p?.services[1]?.active : p?.services[1]?.backends[backend]?.active);

describe('node history from heartbeats', () => {
  it('one point per new heartbeat per node, with rates since its previous one; an unmoved heartbeat adds nothing', () => {
    const history = feed([view(beat(1000, [1, 1]), beat(1200, [2, 2])), view(beat(2000, [1, 5]), beat(1200, [2, 2])), view(beat(3000, [1, 5]), beat(2200, [3, 12]))]);
    expect(history.a?.map((p) => p.time)).toEqual([1000, 2000, 3000]);
    expect(history.b?.map((p) => p.time)).toEqual([1200, 2200]);
    expect(history.a?.[1]?.services[1]?.backends[10]?.newPerSec).toBe(4);
    expect(history.b?.[1]?.services[1]?.backends[10]?.newPerSec).toBe(10);
    // Heartbeats carry no address: the chart names backends from the configuration.
    expect(history.a?.[0]?.services[1]?.backends[10]?.address).toBe('');
  });

  it('keeps five minutes per node and forgets a node that left', () => {
    const views = Array.from({ length: HISTORY_CAPACITY + 5 }, (_, i) => view(beat(i * 1000, [1, i]), beat(i * 1000, [1, i])));
    const history = feed([...views, testCluster([testNode('a', { self: true, stats: beat(999_000, [1, 1]) })])]);
    expect(history.a).toHaveLength(HISTORY_CAPACITY);
    expect(history.a?.at(-1)?.time).toBe(999_000);
    expect(history.b).toBeUndefined();
  });
});

describe('the whole cluster summed', () => {
  it("adds each node's newest heartbeat of the same second to this node's points", () => {
    const history = feed([view(beat(1000, [1, 0], [2, 0]), beat(1300, [3, 0], [4, 0])), view(beat(2000, [1, 0], [2, 0]), beat(2300, [5, 0], [4, 0]))]);
    const points = clusterPoints(history, 'a');
    expect(points.map((p) => p.time)).toEqual([1000, 2000]);
    // b's 1300 heartbeat is within the lead of a's 1000 one.
    expect(points.map((p) => active(p))).toEqual([10, 12]);
    expect(points.map((p) => active(p, 10))).toEqual([4, 6]);
    expect(points.map((p) => active(p, 11))).toEqual([6, 6]);
  });

  it('sums rates; a node without a rate yet adds nothing', () => {
    const history = feed([view(beat(0, [0, 0]), beat(0, [0, 0])), view(beat(1000, [0, 10]), beat(1100, [0, 30]))]);
    expect(clusterPoints(history, 'a').map((p) => p.services[1]?.backends[10]?.newPerSec)).toEqual([null, 10 + 30 * (1000 / 1100)]);
  });

  it('a node that stops reporting drops out of the sum after STALE_POINT_MS', () => {
    const views = [view(beat(0, [1, 0]), beat(0, [5, 0]))];
    for (let t = 1000; t <= 10_000; t += 1000) views.push(view(beat(t, [1, 0]), beat(0, [5, 0])));
    const points = clusterPoints(feed(views), 'a');
    const counted = points.filter((p) => active(p) === 6).map((p) => p.time);
    expect(counted).toEqual(points.filter((p) => p.time <= STALE_POINT_MS).map((p) => p.time));
    expect(active(points.at(-1))).toBe(1);
  });

  it('without points of this node, the node with the most points gives the timeline', () => {
    expect(clusterPoints({ b: [{ time: 5, services: {} }] }, 'a').map((p) => p.time)).toEqual([5]);
    expect(clusterPoints({}, 'a')).toEqual([]);
  });
});

describe('the points the charts show for the shared scope', () => {
  const c = view(beat(1000, [1, 0]), beat(1000, [2, 0]));
  const history = feed([c]);
  const live: HistoryPoint[] = [{ time: 900, services: { 1: { active: 7, backends: { 10: { active: 7, address: '127.0.0.1:6379', newPerSec: null, bytesInPerSec: null, bytesOutPerSec: null } } } } }];
  const shown = (scope: string, cluster: ClusterDto | null = c) => scopePoints(resolveScope(scope, cluster), history, live, 'a').map((p) => active(p));

  it("this node: its live stream; another node: its heartbeats; the cluster: the sum", () => {
    expect(shown('a')).toEqual([7]);
    expect(shown('b')).toEqual([2]);
    expect(shown(WHOLE_CLUSTER)).toEqual([3]);
    expect(shown('gone')).toEqual([3]);
  });

  it('a single node shows its live stream whatever the scope says', () => {
    expect(shown(WHOLE_CLUSTER, null)).toEqual([7]);
    expect(shown('b', testCluster([testNode('a', { self: true })]))).toEqual([7]);
  });

  it('chart rows of heartbeat points name the backends from the configuration', () => {
    const points = scopePoints(resolveScope('b', c), history, live, 'a');
    const series = collectSeries(points, 1, new Map([[10, '127.0.0.1:6379']]));
    expect(series.map((s) => s.label)).toEqual(['127.0.0.1:6379', 'backend #11']);
    expect(buildChartRows(points, 1, series, 'active')).toEqual([{ time: 1000, b10: 2, b11: 0 }]);
  });
});
