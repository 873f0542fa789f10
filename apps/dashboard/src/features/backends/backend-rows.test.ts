import { describe, expect, it } from 'vitest';
import { noRejections } from '@fulcrum/shared/enums';
import type { BackendDto, BackendStatsDto, ServiceDto, ServiceStatsDto } from '@fulcrum/shared/api';
import { buildBackendRows, drainProgress, groupSummary, isServing, stateLabel, stateTone } from './backend-rows.ts';

function backend(id: number, address: string, patch: Partial<BackendDto> = {}): BackendDto {
  return { id, serviceId: 1, address, weight: 1, state: 'enabled', backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null, ...patch };
}

function backendStats(id: number, address: string, patch: Partial<BackendStatsDto> = {}): BackendStatsDto {
  return {
    id,
    address,
    state: 'enabled',
    health: 'up',
    removed: false,
    weight: 1,
    effectiveWeight: 1,
    active: 0,
    total: 0,
    bytesIn: 0,
    bytesOut: 0,
    connectFailures: 0,
    failureRate: 0,
    check: null,
    connectTimeMs: 0,
    closedByLifetime: 0,
    closedByRebalance: 0,
    agent: null,
    ...patch,
  };
}

function service(backends: BackendDto[]): ServiceDto {
  return {
    id: 1,
    name: 'redis',
    listen: '127.0.0.1:6380',
    strategy: 'round-robin',
    strategyOptions: {},
    connectTimeoutMs: 1000,
    idleTimeoutMs: 0,
    retries: 1,
    drainTimeoutMs: 30_000,
    maxQueue: 0,
    queueTimeoutMs: 0,
    maxConnectionLifetimeMs: 0,
    agentCheck: null,
    allow: [],
    deny: [],
    proxyProtocol: 'off',
    acceptProxyProtocol: null,
    limits: { perClientConnections: null, perClientRate: null, serviceRate: null, ipv6Prefix: 64, tableSize: 100_000 },
    sni: null,
    healthCheck: {
      type: 'tcp',
      intervalMs: 1000,
      timeoutMs: 500,
      rise: 2,
      fall: 3,
      httpPath: '/',
      httpStatusMin: 200,
      httpStatusMax: 399,
      send: '',
      expect: '',
      expectRegex: false,
      passiveFailures: 0,
      passiveFailurePercent: 0,
      passiveWindow: 100,
      passiveMinVolume: 20,
      maxEjectionPercent: 50,
      slowStartMs: 0,
      closeOnDown: false,
      checkPort: 0,
      httpMethod: 'GET',
      role: 'any',
      username: '',
      user: '',
      database: '',
      passwordSet: false,
    },
    version: 1,
    backends,
  };
}

function serviceStats(backends: BackendStatsDto[]): ServiceStatsDto {
  return { id: 1, name: 'redis', listen: '127.0.0.1:6380', active: 0, total: 0, rejected: 0, rejectedByReason: noRejections(), queued: 0, bytesIn: 0, bytesOut: 0, backends };
}

describe('buildBackendRows', () => {
  it('joins config with live stats by id', () => {
    const rows = buildBackendRows(
      service([backend(1, '10.0.0.1:6379', { weight: 3 }), backend(2, '10.0.0.2:6379')]),
      serviceStats([backendStats(2, '10.0.0.2:6379', { active: 7, health: 'down' }), backendStats(1, '10.0.0.1:6379', { active: 4 })]),
      undefined,
    );
    expect(rows.map((r) => [r.address, r.weight, r.active, r.health])).toEqual([
      ['10.0.0.1:6379', 3, 4, 'up'],
      ['10.0.0.2:6379', 1, 7, 'down'],
    ]);
  });

  it('shows unknown health and no numbers before the first sample', () => {
    const [row] = buildBackendRows(service([backend(1, 'a:1')]), undefined, undefined);
    expect(row).toMatchObject({ health: 'unknown', active: null, total: null, removed: false });
  });

  it('keeps removed backends that still drain, after the configured ones', () => {
    const rows = buildBackendRows(
      service([backend(1, 'a:1')]),
      serviceStats([backendStats(9, 'gone:1', { removed: true, active: 2 }), backendStats(1, 'a:1')]),
      undefined,
    );
    expect(rows.map((r) => [r.address, r.removed, stateLabel(r)])).toEqual([
      ['a:1', false, 'enabled'],
      ['gone:1', true, 'draining (removed)'],
    ]);
  });

  it('drops a removed backend once stats stop reporting it', () => {
    const rows = buildBackendRows(service([backend(1, 'a:1')]), serviceStats([backendStats(1, 'a:1')]), undefined);
    expect(rows).toHaveLength(1);
  });

  it('attaches per-backend rates', () => {
    const rates = { newPerSec: 2, bytesInPerSec: 10, bytesOutPerSec: 20, backends: { 1: { newPerSec: 2, bytesInPerSec: 10, bytesOutPerSec: 20 } } };
    const [row] = buildBackendRows(service([backend(1, 'a:1')]), serviceStats([backendStats(1, 'a:1')]), rates);
    expect(row?.rates).toEqual({ newPerSec: 2, bytesInPerSec: 10, bytesOutPerSec: 20 });
  });
});

describe('discovery groups', () => {
  const group = backend(7, 'dns:redis.internal:6379', { discover: { type: 'dns', name: 'redis.internal', port: 6379, minTtlMs: 1000, maxTtlMs: 60_000 } });
  const status = { groupId: 7, members: [{ id: 2 ** 40, address: '10.0.0.1:6379', weight: 1, backup: false }], lastResolvedAt: null, lastError: '', nextResolveAt: null };

  it('lists a group, then its current members, then removed members still draining', () => {
    const stats = {
      ...serviceStats([
        backendStats(2 ** 40, '10.0.0.1:6379', { group: 7, active: 3 }),
        backendStats(2 ** 40 + 1, '10.0.0.2:6379', { group: 7, removed: true, active: 1 }),
        backendStats(1, '127.0.0.1:7000'),
      ]),
      discovery: [status],
    };
    const rows = buildBackendRows(service([backend(1, '127.0.0.1:7000'), group]), stats, undefined);
    expect(rows.map((r) => [r.kind, r.address, r.removed])).toEqual([
      ['backend', '127.0.0.1:7000', false],
      ['group', 'dns:redis.internal:6379', false],
      ['member', '10.0.0.1:6379', false],
      ['member', '10.0.0.2:6379', true],
    ]);
    expect(rows[1]?.discovery).toEqual(status);
  });

  it('says how many members a group has, and that they are the last known ones after a failure', () => {
    expect(groupSummary(null)).toEqual({ text: 'resolving…', error: '' });
    expect(groupSummary(status)).toEqual({ text: '1 member', error: '' });
    expect(groupSummary({ ...status, lastError: 'A/AAAA redis.internal: the name does not exist (NXDOMAIN)' })).toEqual({
      text: '1 member (last known)',
      error: 'A/AAAA redis.internal: the name does not exist (NXDOMAIN)',
    });
  });
});

describe('status helpers', () => {
  it('labels and colours admin state', () => {
    expect(stateTone({ state: 'enabled', removed: false })).toBe('up');
    expect(stateTone({ state: 'disabled', removed: false })).toBe('disabled');
    expect(stateTone({ state: 'draining', removed: false })).toBe('draining');
    expect(stateTone({ state: 'enabled', removed: true })).toBe('draining');
    expect(stateLabel({ state: 'draining', removed: false })).toBe('draining');
  });
  it('describes drain progress', () => {
    expect(drainProgress(3)).toBe('3 connections left');
    expect(drainProgress(1)).toBe('1 connection left');
    expect(drainProgress(0)).toBe('drained');
    expect(drainProgress(null)).toBe('');
  });
  it('knows which backends serve traffic', () => {
    expect(isServing({ state: 'enabled', removed: false, health: 'up' })).toBe(true);
    expect(isServing({ state: 'enabled', removed: false, health: 'down' })).toBe(false);
    expect(isServing({ state: 'draining', removed: false, health: 'up' })).toBe(false);
  });
});
