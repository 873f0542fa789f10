import { describe, expect, it } from 'vitest';
import { testCluster, testNode } from './cluster-test-data.ts';
import { nodeRows } from './cluster-rows.ts';

const NOW = Date.parse('2026-11-30T09:00:12.000Z');

describe('nodeRows', () => {
  it('shows every node of a multi-node cluster, ordered by name, this node marked', () => {
    const cluster = testCluster([
      testNode('c', { state: 'lost', lastSeen: '2026-11-30T08:58:00.000Z', appliedVersion: 5, lag: 2, activeConnections: 3 }),
      testNode('a', { self: true, listenHost: '127.0.0.2', activeConnections: 1234 }),
      testNode('b', { state: 'apply-failed', lastApplyError: 'listen 127.0.0.3:6380: EADDRINUSE', appliedVersion: 6, lag: 1 }),
    ]);
    const rows = nodeRows(cluster, NOW);
    expect(rows.map((r) => [r.name, r.self, r.state.label, r.applied, r.lag, r.listenHost, r.lastSeen, r.connections])).toEqual([
      ['a', true, 'in step', 'v7', '0', '127.0.0.2', 'now', '1.2k'],
      ['b', false, 'apply failed', 'v6', '1 version', "each service's own", '12 s ago', '0'],
      ['c', false, 'lost', 'v5', '2 versions', "each service's own", '2 m ago', '3'],
    ]);
    expect(rows[1]?.error).toBe('listen 127.0.0.3:6380: EADDRINUSE');
    expect(rows[0]?.error).toBeNull();
    expect(rows[2]?.error).toBeNull();
    expect(rows[0]?.uptime).toBe('1 h');
    expect(rows[0]?.adminUrl).toBe('http://a.example:8080');
  });

  it('gives each state its own words, icon and tone', () => {
    const rows = nodeRows(
      testCluster([testNode('a'), testNode('b', { state: 'behind', lag: 1 }), testNode('c', { state: 'apply-failed' }), testNode('d', { state: 'lost' })]),
      NOW,
    );
    const states = rows.map((r) => r.state);
    expect(states.map((s) => [s.value, s.label, s.tone])).toEqual([
      ['in-step', 'in step', 'up'],
      ['behind', 'behind', 'draining'],
      ['apply-failed', 'apply failed', 'down'],
      ['lost', 'lost', 'down'],
    ]);
    // Shapes differ, so two states never look alike to someone who cannot tell the colours apart.
    expect(new Set(states.map((s) => s.icon)).size).toBe(4);
    expect(rows[2]?.error).toBe('no reason given');
  });

  it('reads an unknown state from a newer admin as itself', () => {
    const [row] = nodeRows(testCluster([testNode('a', { state: 'joining' as never })]), NOW);
    expect(row?.state).toMatchObject({ value: 'joining', label: 'joining', tone: 'unknown' });
  });
});
