import { describe, expect, it } from 'vitest';
import type { BackendStats, EngineConfig, EngineStats } from '@fulcrum/engine';
import { BACKEND_DEFAULTS, HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS } from '@fulcrum/engine';
import { PassiveWatch } from './passive-watch.ts';

const config: EngineConfig = {
  services: [{
    id: '1', name: 's', host: '127.0.0.1', port: 1, ...SERVICE_DEFAULTS,
    healthCheck: { ...HEALTH_CHECK_DEFAULTS, passiveFailures: 3 },
    backends: [{ id: '9', host: '127.0.0.1', port: 2, ...BACKEND_DEFAULTS }],
  }],
};

function stats(connectFailures: number, total: number, health: BackendStats['health'] = 'up'): EngineStats {
  const b: BackendStats = {
    id: '9', address: '127.0.0.1:2', state: 'enabled', health, removed: false, weight: 1, effectiveWeight: 1,
    active: 0, total, bytesIn: 0, bytesOut: 0, connectFailures, connectTimeMs: 0,
  };
  return { time: 0, services: [{ id: '1', name: 's', host: '127.0.0.1', port: 1, listening: true, active: 0, total, rejected: 0, queued: 0, retries: 0, bytesIn: 0, bytesOut: 0, backends: [b] }] };
}

describe('PassiveWatch', () => {
  it('reports a streak the engine missed: failures with no success in between, while not down', () => {
    const w = new PassiveWatch();
    expect(w.observe(stats(10, 5), config)).toEqual([]); // baseline (e.g. right after a recovery)
    expect(w.observe(stats(12, 5), config)).toEqual([]);
    expect(w.observe(stats(13, 5), config)).toMatchObject([{ serviceId: '1', backendId: '9', streak: 3 }]);
    expect(w.observe(stats(14, 5), config)).toEqual([]); // counted afresh
  });

  it('a success, a down state or the engine reporting itself restarts the count', () => {
    const w = new PassiveWatch();
    w.observe(stats(0, 0), config);
    expect(w.observe(stats(2, 1), config)).toEqual([]); // success happened: new baseline
    expect(w.observe(stats(4, 1), config)).toEqual([]);
    expect(w.observe(stats(9, 1, 'down'), config)).toEqual([]);
    w.reported('1', '9');
    expect(w.observe(stats(20, 1), config)).toEqual([]);
    expect(w.observe(stats(22, 1), config)).toEqual([]);
  });
});
