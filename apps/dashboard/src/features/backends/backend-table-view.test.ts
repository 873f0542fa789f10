import { describe, expect, it } from 'vitest';
import type { BackendRow } from './backend-rows.ts';
import { filterBackendRows, nextBackendSort, shownLatency, sortBackendRows } from './backend-table-view.ts';

function row(address: string, patch: Partial<BackendRow> = {}): BackendRow {
  return {
    id: 0,
    kind: 'backend',
    address,
    weight: 1,
    effectiveWeight: 1,
    state: 'enabled',
    backup: false,
    maxConnections: 0,
    removed: false,
    health: 'up',
    active: 0,
    total: 10,
    connectFailures: 0,
    failureRate: 0,
    closedByLifetime: 0,
    closedByRebalance: 0,
    connectTimeMs: 1,
    rates: null,
    check: null,
    agentCheck: null,
    agent: null,
    ...patch,
  };
}

const rows = [
  row('10.0.0.10:6379', { active: 5, weight: 2, failureRate: 0, connectTimeMs: 3 }),
  row('10.0.0.2:6379', { active: 9, health: 'down', failureRate: 0.5, connectTimeMs: 1, check: { reason: 'fall: 3 × connect refused' } as BackendRow['check'] }),
  row('10.0.0.3:6379', { active: null, state: 'draining', failureRate: null, connectTimeMs: 2 }),
];
const addresses = (list: BackendRow[]) => list.map((r) => r.address);

describe('sortBackendRows', () => {
  it('keeps configuration order without a sort', () => {
    expect(addresses(sortBackendRows(rows, null))).toEqual(['10.0.0.10:6379', '10.0.0.2:6379', '10.0.0.3:6379']);
  });
  it('sorts addresses with numbers as numbers, both ways', () => {
    expect(addresses(sortBackendRows(rows, { key: 'address', direction: 'asc' }))).toEqual(['10.0.0.2:6379', '10.0.0.3:6379', '10.0.0.10:6379']);
    expect(addresses(sortBackendRows(rows, { key: 'address', direction: 'desc' }))).toEqual(['10.0.0.10:6379', '10.0.0.3:6379', '10.0.0.2:6379']);
  });
  it('sorts numbers, unknown values last either way', () => {
    expect(addresses(sortBackendRows(rows, { key: 'active', direction: 'desc' }))).toEqual(['10.0.0.2:6379', '10.0.0.10:6379', '10.0.0.3:6379']);
    expect(addresses(sortBackendRows(rows, { key: 'active', direction: 'asc' }))).toEqual(['10.0.0.10:6379', '10.0.0.2:6379', '10.0.0.3:6379']);
    expect(addresses(sortBackendRows(rows, { key: 'fails', direction: 'desc' }))[0]).toBe('10.0.0.2:6379');
  });
  it('puts down backends first by health, and their latency last (it shows —)', () => {
    expect(addresses(sortBackendRows(rows, { key: 'health', direction: 'asc' }))[0]).toBe('10.0.0.2:6379');
    expect(addresses(sortBackendRows(rows, { key: 'latency', direction: 'asc' }))).toEqual(['10.0.0.3:6379', '10.0.0.10:6379', '10.0.0.2:6379']);
  });
  it('does not change its input', () => {
    const copy = [...rows];
    sortBackendRows(rows, { key: 'weight', direction: 'desc' });
    expect(rows).toEqual(copy);
  });
});

describe('nextBackendSort', () => {
  it('flips the same column and starts a new one at its most useful end', () => {
    expect(nextBackendSort(null, 'address')).toEqual({ key: 'address', direction: 'asc' });
    expect(nextBackendSort({ key: 'address', direction: 'asc' }, 'address')).toEqual({ key: 'address', direction: 'desc' });
    expect(nextBackendSort({ key: 'address', direction: 'asc' }, 'active')).toEqual({ key: 'active', direction: 'desc' });
    expect(nextBackendSort(null, 'health')).toEqual({ key: 'health', direction: 'asc' });
  });
});

describe('filterBackendRows', () => {
  it('matches address, state, health and the down reason, every word', () => {
    expect(addresses(filterBackendRows(rows, '10.0.0.1'))).toEqual(['10.0.0.10:6379']);
    expect(addresses(filterBackendRows(rows, 'DRAINING'))).toEqual(['10.0.0.3:6379']);
    expect(addresses(filterBackendRows(rows, 'down'))).toEqual(['10.0.0.2:6379']);
    expect(addresses(filterBackendRows(rows, 'refused'))).toEqual(['10.0.0.2:6379']);
    expect(addresses(filterBackendRows(rows, '6379 enabled up'))).toEqual(['10.0.0.10:6379']);
    expect(filterBackendRows(rows, '  ')).toHaveLength(3);
    expect(filterBackendRows(rows, 'nothing-like-this')).toHaveLength(0);
  });
});

describe('shownLatency', () => {
  it('is none while down or before any connection', () => {
    expect(shownLatency({ health: 'down', connectTimeMs: 4, total: 3 })).toBeNull();
    expect(shownLatency({ health: 'up', connectTimeMs: 4, total: 0 })).toBeNull();
    expect(shownLatency({ health: 'up', connectTimeMs: 4, total: 3 })).toBe(4);
  });
});
