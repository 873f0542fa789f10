import { describe, expect, it } from 'vitest';
import type { BackendDto, ServiceDto } from '@fulcrum/shared/api';
import { backendDto, backendStatsDto, serviceDto, serviceStatsDto } from '../../../test/fixtures/api-samples.ts';
import { buildBackendRows, drainProgress, groupSummary, isServing, stateLabel, stateTone } from './backend-rows.ts';

/** Only the backends of the service matter to the rows. */
const service = (backends: BackendDto[]): ServiceDto => serviceDto({ backends });

describe('buildBackendRows', () => {
  it('joins config with live stats by id', () => {
    const rows = buildBackendRows(
      service([backendDto(1, '10.0.0.1:6379', { weight: 3 }), backendDto(2, '10.0.0.2:6379')]),
      serviceStatsDto([backendStatsDto(2, '10.0.0.2:6379', { active: 7, health: 'down' }), backendStatsDto(1, '10.0.0.1:6379', { active: 4 })]),
      undefined,
    );
    expect(rows.map((r) => [r.address, r.weight, r.active, r.health])).toEqual([
      ['10.0.0.1:6379', 3, 4, 'up'],
      ['10.0.0.2:6379', 1, 7, 'down'],
    ]);
  });

  it('shows unknown health and no numbers before the first sample', () => {
    const [row] = buildBackendRows(service([backendDto(1, 'a:1')]), undefined, undefined);
    expect(row).toMatchObject({ health: 'unknown', active: null, total: null, removed: false });
  });

  it('keeps removed backends that still drain, after the configured ones', () => {
    const rows = buildBackendRows(
      service([backendDto(1, 'a:1')]),
      serviceStatsDto([backendStatsDto(9, 'gone:1', { removed: true, active: 2 }), backendStatsDto(1, 'a:1')]),
      undefined,
    );
    expect(rows.map((r) => [r.address, r.removed, stateLabel(r)])).toEqual([
      ['a:1', false, 'enabled'],
      ['gone:1', true, 'draining (removed)'],
    ]);
  });

  it('drops a removed backend once stats stop reporting it', () => {
    const rows = buildBackendRows(service([backendDto(1, 'a:1')]), serviceStatsDto([backendStatsDto(1, 'a:1')]), undefined);
    expect(rows).toHaveLength(1);
  });

  it('attaches per-backend rates', () => {
    const rates = { newPerSec: 2, bytesInPerSec: 10, bytesOutPerSec: 20, backends: { 1: { newPerSec: 2, bytesInPerSec: 10, bytesOutPerSec: 20 } } };
    const [row] = buildBackendRows(service([backendDto(1, 'a:1')]), serviceStatsDto([backendStatsDto(1, 'a:1')]), rates);
    expect(row?.rates).toEqual({ newPerSec: 2, bytesInPerSec: 10, bytesOutPerSec: 20 });
  });
});

describe('discovery groups', () => {
  const group = backendDto(7, 'dns:redis.internal:6379', { discover: { type: 'dns', name: 'redis.internal', port: 6379, minTtlMs: 1000, maxTtlMs: 60_000 } });
  const status = { groupId: 7, members: [{ id: 2 ** 40, address: '10.0.0.1:6379', weight: 1, backup: false }], lastResolvedAt: null, lastError: '', nextResolveAt: null };

  it('lists a group, then its current members, then removed members still draining', () => {
    const stats = {
      ...serviceStatsDto([
        backendStatsDto(2 ** 40, '10.0.0.1:6379', { group: 7, active: 3 }),
        backendStatsDto(2 ** 40 + 1, '10.0.0.2:6379', { group: 7, removed: true, active: 1 }),
        backendStatsDto(1, '127.0.0.1:7000'),
      ]),
      discovery: [status],
    };
    const rows = buildBackendRows(service([backendDto(1, '127.0.0.1:7000'), group]), stats, undefined);
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
