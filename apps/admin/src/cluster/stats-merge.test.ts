import { zeroRejectedByReason } from '@fulcrum/shared/enums';
import { describe, expect, it } from 'vitest';
import type { BackendStats, EngineConfig, EngineStats, ServiceStats } from '@fulcrum/engine';
import { BACKEND_DEFAULTS, HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS } from '@fulcrum/engine';
import { RetiredTotals, mergeStats, remoteLoad } from './stats-merge.ts';

const config: EngineConfig = {
  services: [
    {
      id: 1, name: 'redis', host: '127.0.0.1', port: 6380, ...SERVICE_DEFAULTS, healthCheck: HEALTH_CHECK_DEFAULTS,
      backends: [
        { id: 10, host: '127.0.0.1', port: 7001, ...BACKEND_DEFAULTS },
        { id: 11, host: '127.0.0.1', port: 7002, ...BACKEND_DEFAULTS, weight: 3 },
      ],
    },
  ],
};

function backend(id: number, port: number, n: Partial<BackendStats> = {}): BackendStats {
  return {
    id, address: `127.0.0.1:${port}`, state: 'enabled', health: 'up', removed: false, weight: 1, effectiveWeight: 1,
    active: 0, total: 0, bytesIn: 0, bytesOut: 0, connectFailures: 0, failureRate: 0, connectTimeMs: 0, agent: null, check: null, ...n,
  };
}

function report(active: number, total: number, backends: BackendStats[], extra: Partial<ServiceStats> = {}): EngineStats {
  return {
    time: 0,
    services: [{ id: 1, name: 'redis', host: '127.0.0.1', port: 6380, listening: true, active, total, rejected: 0, rejectedByReason: { ...zeroRejectedByReason(), denied: 0 }, queued: 0, retries: 0, ejectionsCapped: 0, bytesIn: total * 10, bytesOut: total * 20, backends, ...extra }],
  };
}

const health = () => 'up' as const;

describe('mergeStats', () => {
  it('sums counters over workers, in config order, with config state and the primary health', () => {
    const a = report(2, 10, [backend(11, 7002, { active: 2, total: 6, connectTimeMs: 2 }), backend(10, 7001, { total: 4, connectTimeMs: 1 })]);
    const b = report(1, 5, [backend(10, 7001, { active: 1, total: 5, connectTimeMs: 4 })]);
    const merged = mergeStats(config, [a, b], new RetiredTotals(), (_s, id) => (id === 10 ? 'down' : undefined));
    const s = merged.services[0]!;
    expect(s).toMatchObject({ id: 1, active: 3, total: 15, bytesIn: 150, bytesOut: 300, listening: true });
    expect(s.backends.map((x) => [x.id, x.active, x.total, x.health, x.weight])).toEqual([
      [10, 1, 9, 'down', 1],
      [11, 2, 6, 'up', 3],
    ]);
    // Connect time weighted by connections: (1×4 + 4×5) / 9.
    expect(s.backends[0]!.connectTimeMs).toBeCloseTo(24 / 9, 2);
  });

  it('keeps the counters of exited workers, and never their open connections', () => {
    const retired = new RetiredTotals();
    retired.add(report(7, 100, [backend(10, 7001, { active: 7, total: 100, bytesIn: 5 })]));
    const live = report(1, 3, [backend(10, 7001, { active: 1, total: 3 })]);
    const s = mergeStats(config, [live], retired, health).services[0]!;
    expect(s.total).toBe(103);
    expect(s.active).toBe(1);
    expect(s.backends[0]).toMatchObject({ total: 103, active: 1, bytesIn: 5 });
    // A backend nobody reports still shows, with zeros.
    expect(s.backends[1]).toMatchObject({ id: 11, total: 0, active: 0, health: 'up' });
  });

  it('sums the clients refused at accept per reason, exited workers included', () => {
    const retired = new RetiredTotals();
    retired.add(report(0, 0, [], { rejectedByReason: { ...zeroRejectedByReason(), denied: 4 } }));
    const a = report(0, 0, [], { rejectedByReason: { ...zeroRejectedByReason(), denied: 2 } });
    const b = report(0, 0, [], { rejectedByReason: { ...zeroRejectedByReason(), denied: 3 } });
    expect(mergeStats(config, [a, b], retired, health).services[0]!.rejectedByReason).toEqual({ ...zeroRejectedByReason(), denied: 9 });
  });

  it('lists backends that only drain (removed, or absent from the committed config)', () => {
    const a = report(1, 1, [backend(12, 7009, { removed: true, state: 'draining', active: 1, total: 1 })]);
    const s = mergeStats(config, [a], new RetiredTotals(), health).services[0]!;
    expect(s.backends.map((x) => [x.id, x.removed, x.state, x.active])).toEqual([
      [10, false, 'enabled', 0],
      [11, false, 'enabled', 0],
      [12, true, 'draining', 1],
    ]);
  });

  it('shows only configured services, and prune() forgets removed ones', () => {
    const retired = new RetiredTotals();
    retired.add({ time: 0, services: [{ ...report(0, 9, []).services[0]!, id: 2 }] });
    expect(mergeStats(config, [], retired, health).services.map((s) => s.id)).toEqual([1]);
    retired.prune(config);
    expect(retired.service(2)).toBeUndefined();
  });
});

describe('remoteLoad', () => {
  it('sums active connections per configured backend over the other workers', () => {
    const a = report(3, 0, [backend(10, 7001, { active: 2 }), backend(11, 7002, { active: 1 }), backend(12, 7009, { removed: true, active: 5 })]);
    const b = report(4, 0, [backend(10, 7001, { active: 4 })]);
    expect(remoteLoad([a, b])).toEqual({ 1: { 10: 6, 11: 1 } });
    expect(remoteLoad([])).toEqual({});
  });
});
