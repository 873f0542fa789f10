import { describe, expect, it } from 'vitest';
import { DiscoveryGroup, nextDelayMs } from './discovery-group.ts';

const settings = { id: 7, serviceId: 1, type: 'srv' as const, name: '_r._tcp.internal', port: 0, minTtlMs: 1000, maxTtlMs: 60_000, weight: 1, label: 'srv:_r._tcp.internal' };

describe('nextDelayMs', () => {
  it('follows the TTL inside the bounds, and retries a failure after 5 s (bounded too)', () => {
    expect(nextDelayMs(settings, 30, false)).toBe(30_000);
    expect(nextDelayMs(settings, 0, false)).toBe(1000);
    expect(nextDelayMs(settings, 86_400, false)).toBe(60_000);
    expect(nextDelayMs(settings, undefined, false)).toBe(5000);
    expect(nextDelayMs(settings, 30, true)).toBe(5000);
    expect(nextDelayMs({ minTtlMs: 200, maxTtlMs: 1000 }, undefined, true)).toBe(1000);
  });
});

describe('DiscoveryGroup.diff', () => {
  it('keeps the ids of members that stay, gives new ones fresh ids, and makes worse SRV priorities backups', () => {
    const group = new DiscoveryGroup(settings);
    let id = 100;
    const first = group.diff(
      [
        { host: '10.0.0.1', port: 6379, weight: 10, priority: 0 },
        { host: '10.0.0.2', port: 6379, weight: 30, priority: 0 },
        { host: '10.0.0.3', port: 6379, weight: 10, priority: 5 },
      ],
      () => id++,
    );
    expect(first.change.added.map((m) => [m.id, m.address, m.weight, m.backup])).toEqual([
      [100, '10.0.0.1:6379', 10, false],
      [101, '10.0.0.2:6379', 30, false],
      [102, '10.0.0.3:6379', 10, true],
    ]);
    group.swap(first.next);
    const second = group.diff(
      [
        { host: '10.0.0.2', port: 6379, weight: 50, priority: 0 },
        { host: '10.0.0.4', port: 6380, weight: 10, priority: 0 },
      ],
      () => id++,
    );
    expect(second.change.added.map((m) => [m.id, m.address])).toEqual([[103, '10.0.0.4:6380']]);
    expect(second.change.removed.map((m) => m.address)).toEqual(['10.0.0.1:6379', '10.0.0.3:6379']);
    expect(second.change.updated.map((m) => [m.id, m.weight])).toEqual([[101, 50]]);
    // Nothing is installed until swap(): the engine update may still be refused.
    expect(group.members.map((m) => m.id)).toEqual([100, 101, 102]);
  });

  it('shows the group weight for dns members', () => {
    const group = new DiscoveryGroup({ ...settings, type: 'dns', port: 6379, weight: 4 });
    group.swap(group.diff([{ host: '10.0.0.1', port: 6379, weight: null, priority: 0 }], () => 1).next);
    expect(group.status().members).toEqual([{ id: 1, address: '10.0.0.1:6379', weight: 4, backup: false }]);
  });
});
