import { describe, expect, it } from 'vitest';
import { validateConfig } from '@fulcrum/engine';
import { BACKEND_DEFAULTS, HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS } from '@fulcrum/shared/defaults';
import type { StoredRecords } from '../store/store.ts';
import { toEngineConfig } from './to-engine-config.ts';

const records: StoredRecords = {
  services: [
    { id: 7, name: 'v6', host: '::1', port: 6380, version: 3, ...SERVICE_DEFAULTS, healthCheck: { ...HEALTH_CHECK_DEFAULTS } },
    { id: 12, name: 'empty', host: '127.0.0.1', port: 6381, version: 1, ...SERVICE_DEFAULTS, healthCheck: { ...HEALTH_CHECK_DEFAULTS } },
  ],
  backends: [
    { id: 42, serviceId: 7, host: 'localhost', port: 7001, discover: null, ...BACKEND_DEFAULTS },
    { id: 43, serviceId: 7, host: 'fe80::1', port: 7002, discover: null, ...BACKEND_DEFAULTS, weight: 5, state: 'draining' },
  ],
};

describe('toEngineConfig', () => {
  it('carries database ids and stored host/port as they are', () => {
    const config = toEngineConfig(records);
    expect(config.services.map((s) => [s.id, s.host, s.port, s.backends.map((b) => [b.id, b.host, b.port, b.weight, b.state])])).toEqual([
      [7, '::1', 6380, [[42, 'localhost', 7001, 1, 'enabled'], [43, 'fe80::1', 7002, 5, 'draining']]],
      [12, '127.0.0.1', 6381, []],
    ]);
    expect(() => validateConfig(config)).not.toThrow();
  });

  it('copies settings, so the engine never shares an object with the store records', () => {
    const config = toEngineConfig(records);
    expect(config.services[0]?.healthCheck).toEqual(records.services[0]?.healthCheck);
    expect(config.services[0]?.healthCheck).not.toBe(records.services[0]?.healthCheck);
  });
});
