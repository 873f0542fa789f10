import { describe, expect, it } from 'vitest';
import type { ServiceDto, StatsDto } from '@fulcrum/shared/api';
import { DEFAULT_SORT, buildOverviewRows, filterOverviewRows, healthCounts, nextSort, sortOverviewRows, type OverviewRow } from './overview-rows.ts';

function service(id: number, name: string, addresses: string[]): ServiceDto {
  return {
    id,
    name,
    listen: `127.0.0.1:${6000 + id}`,
    strategy: 'round-robin',
    backends: addresses.map((address, i) => ({ id: id * 10 + i, address, state: 'enabled' })),
  } as unknown as ServiceDto;
}

function backendStats(id: number, address: string, health: 'up' | 'down', connectFailures = 0) {
  return { id, address, health, state: 'enabled', removed: false, weight: 1, effectiveWeight: 1, active: 1, total: 5, bytesIn: 0, bytesOut: 0, connectFailures, connectTimeMs: 1 };
}

const services = [service(1, 'web', ['10.0.0.1:80', '10.0.0.2:80']), service(2, 'cache', ['10.0.0.5:6379']), service(3, 'pg', ['10.0.0.9:5432', '10.0.0.10:5432'])];
const latest = {
  time: 1000,
  services: [
    { id: 1, name: 'web', listen: '', active: 7, total: 9, rejected: 0, queued: 0, bytesIn: 0, bytesOut: 0, backends: [backendStats(10, '10.0.0.1:80', 'up'), backendStats(11, '10.0.0.2:80', 'up')] },
    { id: 2, name: 'cache', listen: '', active: 0, total: 3, rejected: 4, queued: 0, bytesIn: 0, bytesOut: 0, backends: [backendStats(20, '10.0.0.5:6379', 'down', 6)] },
    { id: 3, name: 'pg', listen: '', active: 2, total: 2, rejected: 0, queued: 0, bytesIn: 0, bytesOut: 0, backends: [backendStats(30, '10.0.0.9:5432', 'up'), backendStats(31, '10.0.0.10:5432', 'down', 1)] },
  ],
} as unknown as StatsDto;
const rates = {
  1: { newPerSec: 12, bytesInPerSec: 100, bytesOutPerSec: 900, backends: {} },
  3: { newPerSec: 1, bytesInPerSec: null, bytesOutPerSec: 50, backends: {} },
};

describe('buildOverviewRows', () => {
  const rows = buildOverviewRows(services, latest, rates);

  it('joins configuration, the latest sample and rates per service', () => {
    expect(rows.find((r) => r.name === 'web')).toMatchObject({ health: 'up', up: 2, total: 2, active: 7, newPerSec: 12, bytesPerSec: 1000, connectFailures: 0, rejected: 0 });
    expect(rows.find((r) => r.name === 'cache')).toMatchObject({ health: 'down', up: 0, total: 1, active: 0, newPerSec: null, bytesPerSec: null, connectFailures: 6, rejected: 4 });
    expect(rows.find((r) => r.name === 'pg')).toMatchObject({ health: 'degraded', up: 1, total: 2, connectFailures: 1, bytesPerSec: 50 });
  });

  it('says unknown, not zero, before the first sample', () => {
    const [row] = buildOverviewRows([services[0]!], null, {});
    expect(row).toMatchObject({ health: 'unknown', active: null, connectFailures: null, rejected: null });
  });

  it('counts services per health', () => {
    expect(healthCounts(rows)).toEqual({ up: 1, degraded: 1, down: 1, unknown: 0, empty: 0 });
  });
});

describe('sortOverviewRows', () => {
  const rows = buildOverviewRows(services, latest, rates);
  const names = (sorted: OverviewRow[]) => sorted.map((r) => r.name);

  it('puts down, then degraded, then healthy services first by default', () => {
    expect(names(sortOverviewRows(rows, DEFAULT_SORT))).toEqual(['cache', 'pg', 'web']);
  });

  it('sorts numbers both ways, unknown values last either way', () => {
    expect(names(sortOverviewRows(rows, { key: 'newPerSec', direction: 'desc' }))).toEqual(['web', 'pg', 'cache']);
    expect(names(sortOverviewRows(rows, { key: 'newPerSec', direction: 'asc' }))).toEqual(['pg', 'web', 'cache']);
    expect(names(sortOverviewRows(rows, { key: 'errors', direction: 'desc' }))).toEqual(['cache', 'pg', 'web']);
    expect(names(sortOverviewRows(rows, { key: 'name', direction: 'asc' }))).toEqual(['cache', 'pg', 'web']);
  });

  it('flips the direction on the same column and starts numbers largest first', () => {
    expect(nextSort(DEFAULT_SORT, 'status')).toEqual({ key: 'status', direction: 'desc' });
    expect(nextSort(DEFAULT_SORT, 'active')).toEqual({ key: 'active', direction: 'desc' });
    expect(nextSort({ key: 'active', direction: 'desc' }, 'name')).toEqual({ key: 'name', direction: 'asc' });
  });
});

describe('filterOverviewRows', () => {
  const rows = buildOverviewRows(services, latest, rates);

  it('matches name, listen address, strategy and backend addresses, every word', () => {
    expect(filterOverviewRows(rows, 'CACHE').map((r) => r.name)).toEqual(['cache']);
    expect(filterOverviewRows(rows, '10.0.0.9').map((r) => r.name)).toEqual(['pg']);
    expect(filterOverviewRows(rows, 'round-robin 6001').map((r) => r.name)).toEqual(['web']);
    expect(filterOverviewRows(rows, '  ')).toHaveLength(3);
    expect(filterOverviewRows(rows, 'nothing-like-this')).toEqual([]);
  });
});
