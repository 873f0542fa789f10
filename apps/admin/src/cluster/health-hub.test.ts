// The primary's HealthHub in worker mode: workers' passive-failure events feed its checkers —
// a failure-rate verdict ejects at once, under maxEjectionPercent, and a refusal comes back as a
// capped ejection (the cluster engine turns it into a rate-bounded service-error) and a count.
// Checks are 'none' here: no probes, nothing on the network.
import { describe, expect, it } from 'vitest';
import { HEALTH_CHECK_DEFAULTS } from '@fulcrum/engine';
import type { EngineConfig, PassiveFailureEvent } from '@fulcrum/engine';
import { HealthHub } from './health-hub.ts';
import type { CappedEjection, HealthChange } from './health-hub.ts';

const config: EngineConfig = {
  services: [
    {
      id: 1, name: 'cache', host: '127.0.0.1', port: 6380, strategy: 'round-robin', strategyOptions: {}, connectTimeoutMs: 1000, idleTimeoutMs: 0,
      retries: 0, drainTimeoutMs: 0, maxQueue: 0, queueTimeoutMs: 1000,
      healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'none', intervalMs: 60_000, passiveFailures: 3, passiveFailurePercent: 50, maxEjectionPercent: 50 },
      backends: [1, 2, 3].map((id) => ({ id: 10 + id, host: '127.0.0.1', port: 7000 + id, weight: 1, state: 'enabled' as const, backup: false, maxConnections: 0 })),
    },
  ],
};

const outlier = (backendId: number): PassiveFailureEvent => ({
  time: Date.now(), serviceId: 1, backendId, address: `127.0.0.1:${7000 + backendId - 10}`, streak: 1, detector: 'failure-rate',
  reason: 'passive: 6 of 10 failed (≥ 50 %), latest reset before first byte',
});

describe('HealthHub passive reports', () => {
  it('ejects on a worker\'s failure-rate verdict; over the cap it reports the refusal and counts it', () => {
    const changes: HealthChange[] = [];
    const capped: CappedEjection[] = [];
    const hub = new HealthHub((c) => changes.push(c), (c) => capped.push(c));
    try {
      hub.sync(config);
      hub.reportPassive(outlier(11));
      expect(hub.state(1, 11)).toBe('down');
      expect(changes.at(-1)).toMatchObject({ backendId: 11, to: 'down', reason: 'passive: 6 of 10 failed (≥ 50 %), latest reset before first byte' });
      // 3 backends at 50 %: one may be ejected.
      hub.reportPassive(outlier(12));
      expect(hub.state(1, 12)).toBe('up');
      expect(capped).toEqual([
        {
          serviceId: 1,
          serviceName: 'cache',
          code: 'EJECTION_CAPPED',
          message: 'backend 127.0.0.1:7002 not ejected (passive: 6 of 10 failed (≥ 50 %), latest reset before first byte): 1 of 3 backends are ejected already, maxEjectionPercent 50 allows 1',
        },
      ]);
      expect(hub.ejectionsCapped(1)).toBe(1);
      // A consecutive streak is replayed into the same checker, under the same cap.
      hub.reportPassive({ ...outlier(13), detector: 'consecutive', streak: 3, reason: 'connect refused' });
      expect(hub.state(1, 13)).toBe('up');
      expect(hub.ejectionsCapped(1)).toBe(2);
    } finally {
      hub.close();
    }
  });
});
