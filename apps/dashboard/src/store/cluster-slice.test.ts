import { describe, expect, it } from 'vitest';
import type { ClusterDto, ClusterNodeDto } from '@fulcrum/shared/cluster';
import { fetchedCluster, initialClusterSlice, isMultiNode, pushCluster } from './cluster-slice.ts';

function node(name: string, patch: Partial<ClusterNodeDto> = {}): ClusterNodeDto {
  return {
    name,
    adminUrl: `http://${name}:8080`,
    listenHost: null,
    appliedVersion: 3,
    state: 'in-step',
    lastApplyError: null,
    lastSeen: '2026-11-30T09:00:00.000Z',
    uptimeMs: 1000,
    activeConnections: 0,
    lag: 0,
    self: false,
    stats: null,
    ...patch,
  };
}

function cluster(version: number, nodes: ClusterNodeDto[], store: ClusterDto['store'] = 'postgres'): ClusterDto {
  return { version, store, storeError: null, nodes };
}

describe('cluster slice', () => {
  it('starts empty and takes a fetched answer when no push came in between', () => {
    expect(initialClusterSlice.cluster).toBeNull();
    const answer = cluster(3, [node('a', { self: true })], 'sqlite');
    const state = fetchedCluster(initialClusterSlice, answer, 0);
    expect(state.cluster).toBe(answer);
  });

  it('drops a fetched answer when a push arrived while it was in flight', () => {
    const pushed = cluster(5, [node('a'), node('b', { appliedVersion: 5 })]);
    const asked = initialClusterSlice.clusterPushes;
    const state = pushCluster(initialClusterSlice, pushed);
    expect(state.clusterPushes).toBe(asked + 1);
    const stale = cluster(4, [node('a'), node('b', { state: 'behind', lag: 1 })]);
    expect(fetchedCluster(state, stale, asked).cluster).toBe(pushed);
    // A request made after that push is newer than it.
    const fresh = cluster(6, [node('a'), node('b')]);
    expect(fetchedCluster(state, fresh, state.clusterPushes).cluster).toBe(fresh);
  });

  it('replaces the view on every push, also when only a node state changed', () => {
    let state = pushCluster(initialClusterSlice, cluster(5, [node('a'), node('b')]));
    const lost = cluster(5, [node('a'), node('b', { state: 'lost' })]);
    state = pushCluster(state, lost);
    expect(state.cluster?.nodes[1]?.state).toBe('lost');
    expect(state.clusterPushes).toBe(2);
  });

  it('counts as multi-node only with more than one node', () => {
    expect(isMultiNode(null)).toBe(false);
    expect(isMultiNode(cluster(1, [node('a')], 'sqlite'))).toBe(false);
    expect(isMultiNode(cluster(1, [node('a')]))).toBe(false);
    expect(isMultiNode(cluster(1, [node('a'), node('b')]))).toBe(true);
  });
});
