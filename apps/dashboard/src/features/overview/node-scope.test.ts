import { describe, expect, it } from 'vitest';
import type { ClusterDto, NodeBackendStatsDto, NodeServiceStatsDto, NodeStatsDto } from '@fulcrum/shared/cluster';
import { noRejections } from '@fulcrum/shared/enums';
import { nextNodeSamples } from '../../store/node-samples.ts';
import { testNode } from '../cluster/cluster-test-data.ts';
import { WHOLE_CLUSTER } from '../../store/ui-slice.ts';
import { clusterScope, scopeView } from './node-scope.ts';

const backend = (id: number, patch: Partial<NodeBackendStatsDto> = {}): NodeBackendStatsDto => ({
  id,
  health: 'up',
  removed: false,
  active: 0,
  total: 0,
  bytesIn: 0,
  bytesOut: 0,
  connectFailures: 0,
  agent: null,
  ...patch,
});

const service = (backends: NodeBackendStatsDto[], patch: Partial<NodeServiceStatsDto> = {}): NodeServiceStatsDto => ({
  id: 1,
  active: backends.reduce((sum, b) => sum + b.active, 0),
  total: backends.reduce((sum, b) => sum + b.total, 0),
  rejected: 0,
  rejectedByReason: noRejections(),
  queued: 0,
  bytesIn: 0,
  bytesOut: 0,
  backends,
  ...patch,
});

const stats = (time: number, services: NodeServiceStatsDto[]): NodeStatsDto => ({ time, services });

function cluster(nodes: Array<[string, NodeStatsDto | null, Partial<ClusterDto['nodes'][number]>?]>): ClusterDto {
  return { version: 7, store: 'postgres', storeError: null, nodes: nodes.map(([name, s, patch]) => testNode(name, { stats: s, ...patch })) };
}

describe('per-node samples', () => {
  it("rates come from each node's own previous heartbeat; an unmoved heartbeat keeps its rates", () => {
    const first = nextNodeSamples({}, cluster([['a', stats(0, [service([backend(10, { total: 0 })])])]]));
    expect(first.a?.rates[1]?.newPerSec).toBeNull();
    const second = nextNodeSamples(first, cluster([['a', stats(1000, [service([backend(10, { total: 40 })])])]]));
    expect(second.a?.rates[1]?.newPerSec).toBe(40);
    expect(second.a?.rates[1]?.backends[10]?.newPerSec).toBe(40);
    // The next push comes after another node's heartbeat: a's sample has not moved, its rate stays.
    const third = nextNodeSamples(second, cluster([['a', stats(1000, [service([backend(10, { total: 40 })])])]]));
    expect(third.a).toBe(second.a);
  });

  it('a node without stats has no sample', () => {
    expect(nextNodeSamples({}, cluster([['old', null]]))).toEqual({});
  });
});

describe('the whole cluster', () => {
  const twoNodes = (bHealth: 'up' | 'down') =>
    cluster([
      ['a', stats(1000, [service([backend(10, { active: 1, total: 5, connectFailures: 1 }), backend(11, { active: 2 })], { rejected: 1, rejectedByReason: { ...noRejections(), denied: 2 } })])],
      ['b', stats(1200, [service([backend(10, { active: 3, total: 7, health: bHealth }), backend(11, { active: 4 })], { rejected: 2, rejectedByReason: { ...noRejections(), denied: 3 } })])],
    ]);

  it('sums counters over the nodes per service and backend', () => {
    const c = twoNodes('up');
    const view = clusterScope(c, nextNodeSamples({}, c));
    expect(view.counted).toEqual(['a', 'b']);
    const s = view.stats!.services[0]!;
    expect([s.active, s.total, s.rejected, s.rejectedByReason.denied]).toEqual([10, 12, 3, 5]);
    expect(s.backends.map((b) => [b.id, b.active, b.total, b.connectFailures, b.health])).toEqual([
      [10, 4, 12, 1, 'up'],
      [11, 6, 0, 0, 'up'],
    ]);
  });

  it('a backend down on any node is down for the cluster', () => {
    const c = twoNodes('down');
    expect(clusterScope(c, nextNodeSamples({}, c)).stats!.services[0]!.backends[0]!.health).toBe('down');
  });

  it('sums rates; a node with no rate yet adds nothing', () => {
    const before = cluster([
      ['a', stats(0, [service([backend(10, { total: 0 })])])],
      ['b', stats(0, [service([backend(10, { total: 0 })])])],
    ]);
    const after = cluster([
      ['a', stats(1000, [service([backend(10, { total: 10 })])])],
      ['b', stats(2000, [service([backend(10, { total: 40 })])])],
      ['c', stats(2000, [service([backend(10, { total: 99 })])])],
    ]);
    const samples = nextNodeSamples(nextNodeSamples({}, before), after);
    expect(clusterScope(after, samples).rates[1]?.newPerSec).toBe(10 + 20);
  });

  it('leaves lost nodes and nodes without stats out, and says so', () => {
    const c = cluster([
      ['a', stats(0, [service([backend(10, { active: 1 })])])],
      ['b', stats(0, [service([backend(10, { active: 5 })])]), { state: 'lost' }],
      ['old', null],
    ]);
    const view = clusterScope(c, nextNodeSamples({}, c));
    expect(view.counted).toEqual(['a']);
    expect(view.leftOut).toEqual(['b', 'old']);
    expect(view.stats!.services[0]!.active).toBe(1);
  });
});

describe('scopeView', () => {
  const live = { stats: stats(5, [service([backend(10, { active: 9 })])]), rates: {} };
  const c = cluster([
    ['a', stats(0, [service([backend(10, { active: 1 })])]), { self: true }],
    ['b', stats(0, [service([backend(10, { active: 2 })])])],
  ]);
  const samples = nextNodeSamples({}, c);
  const active = (scope: string, cl: ClusterDto | null = c) => scopeView(scope, cl, samples, live).stats!.services[0]!.active;

  it('this node shows its live stream; another node its heartbeat; the cluster the sum', () => {
    expect(active('a')).toBe(9);
    expect(active('b')).toBe(2);
    expect(active(WHOLE_CLUSTER)).toBe(3);
  });

  it('a single node, or a node that left, falls back sensibly', () => {
    expect(active(WHOLE_CLUSTER, null)).toBe(9);
    expect(active(WHOLE_CLUSTER, cluster([['a', null, { self: true }]]))).toBe(9);
    expect(active('gone')).toBe(3);
  });
});
