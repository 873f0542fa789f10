// Test data for the cluster view's pure functions (imported by tests only).
import type { ClusterDto, ClusterNodeDto } from '@fulcrum/shared/cluster';

/** A node in step at version 7, seen at 09:00:00Z, with overrides. */
export function testNode(name: string, patch: Partial<ClusterNodeDto> = {}): ClusterNodeDto {
  return {
    name,
    adminUrl: `http://${name}.example:8080`,
    listenHost: null,
    appliedVersion: 7,
    state: 'in-step',
    lastApplyError: null,
    lastSeen: '2026-11-30T09:00:00.000Z',
    uptimeMs: 3_600_000,
    activeConnections: 0,
    lag: 0,
    self: false,
    stats: null,
    ...patch,
  };
}

/** A PostgreSQL-backed cluster at version 7 (or a single SQLite node with store 'sqlite'). */
export function testCluster(nodes: ClusterNodeDto[], store: ClusterDto['store'] = 'postgres', version = 7): ClusterDto {
  return { version, store, storeError: null, nodes };
}
