import { describe, expect, it } from 'vitest';
import { testCluster, testNode } from './cluster-test-data.ts';
import { clusterSummary } from './cluster-summary.ts';

const behind = { state: 'behind', appliedVersion: 6, lag: 1 } as const;

describe('clusterSummary', () => {
  it('says nothing before the cluster is known', () => {
    expect(clusterSummary(null)).toBeNull();
  });

  it('keeps a single SQLite node discreet', () => {
    expect(clusterSummary(testCluster([testNode('a', { self: true })], 'sqlite'))).toEqual({ kind: 'single', text: 'single node', short: 'single node', tone: 'plain' });
  });

  it('counts the nodes when all are in step', () => {
    expect(clusterSummary(testCluster([testNode('a'), testNode('b'), testNode('c')]))).toEqual({ kind: 'ok', text: '3 nodes, all in step', short: '3 nodes, all in step', tone: 'up' });
    expect(clusterSummary(testCluster([testNode('a')]))?.text).toBe('1 node, in step');
  });

  it('puts an unreachable shared store first: no change can be made', () => {
    const cluster = { ...testCluster([testNode('a', { self: true }), testNode('b', { state: 'lost' })]), storeError: 'connect ECONNREFUSED' };
    expect(clusterSummary(cluster)).toEqual({
      kind: 'problem',
      text: 'shared store unreachable: changes are refused · node b lost',
      short: 'shared store unreachable: changes are refused (+1 more)',
      tone: 'down',
    });
  });

  it('says how many nodes are behind, as a proportion', () => {
    expect(clusterSummary(testCluster([testNode('a'), testNode('b', behind), testNode('c')]))).toEqual({
      kind: 'problem',
      text: '1 of 3 nodes behind',
      short: '1 of 3 nodes behind',
      tone: 'draining',
    });
    expect(clusterSummary(testCluster([testNode('a'), testNode('b', behind), testNode('c', behind)]))?.text).toBe('2 of 3 nodes behind');
  });

  it('names a single failing or lost node', () => {
    const failed = testNode('b', { state: 'apply-failed', lastApplyError: 'listen 127.0.0.3:6380: address in use' });
    expect(clusterSummary(testCluster([testNode('a'), failed, testNode('c')]))).toEqual({ kind: 'problem', text: 'node b: apply failed', short: 'node b: apply failed', tone: 'down' });
    expect(clusterSummary(testCluster([testNode('a'), testNode('b'), testNode('c', { state: 'lost' })]))).toEqual({
      kind: 'problem',
      text: 'node c lost',
      short: 'node c lost',
      tone: 'down',
    });
  });

  it('counts several failing or lost nodes, worst news first', () => {
    const nodes = [
      testNode('a', behind),
      testNode('b', { state: 'lost' }),
      testNode('c', { state: 'apply-failed' }),
      testNode('d', { state: 'apply-failed' }),
      testNode('e', { state: 'lost' }),
    ];
    expect(clusterSummary(testCluster(nodes))).toMatchObject({
      text: '2 of 5 nodes: apply failed · 2 of 5 nodes lost · 1 of 5 nodes behind',
      short: '2 of 5 nodes: apply failed (+2 more)',
      tone: 'down',
    });
    expect(clusterSummary(testCluster([testNode('a'), testNode('b', behind), testNode('c', { state: 'lost' })]))?.text).toBe('node c lost · 1 of 3 nodes behind');
  });
});
