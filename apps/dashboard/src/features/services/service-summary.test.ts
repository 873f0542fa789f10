import { describe, expect, it } from 'vitest';
import type { ServiceDto, ServiceStatsDto } from '@fulcrum/shared/api';
import { countBackends, proxySummary, serviceHealth, throughput, upText } from './service-summary.ts';

const service = {
  id: 1,
  backends: [
    { id: 1, state: 'enabled' },
    { id: 2, state: 'draining' },
    { id: 3, state: 'enabled' },
  ],
} as unknown as ServiceDto;

function stats(health: Record<number, 'up' | 'down' | 'unknown'>, extra: Array<{ id: number; health: 'up' }> = []): ServiceStatsDto {
  return { id: 1, backends: [...Object.entries(health).map(([id, h]) => ({ id: Number(id), health: h })), ...extra] } as unknown as ServiceStatsDto;
}

describe('countBackends', () => {
  it('counts only enabled, healthy backends as up and draining ones separately', () => {
    expect(countBackends(service, stats({ 1: 'up', 2: 'up', 3: 'down' }))).toEqual({ up: 1, total: 3, draining: 1 });
    expect(countBackends(service, stats({ 1: 'up', 2: 'up', 3: 'up' }))).toEqual({ up: 2, total: 3, draining: 1 });
  });
  it('does not count a disabled backend as up, however healthy', () => {
    const withDisabled = { ...service, backends: [...service.backends, { id: 4, state: 'disabled' }] } as unknown as ServiceDto;
    expect(countBackends(withDisabled, stats({ 1: 'up', 2: 'up', 3: 'up', 4: 'up' }))).toEqual({ up: 2, total: 4, draining: 1 });
  });
  it('ignores removed backends that only exist in stats', () => {
    expect(countBackends(service, stats({ 1: 'up' }, [{ id: 99, health: 'up' }]))).toEqual({ up: 1, total: 3, draining: 1 });
  });
  it('counts a DNS discovery group as its current members', () => {
    const withGroup = { ...service, backends: [{ id: 1, state: 'enabled' }, { id: 5, state: 'enabled', discover: { type: 'srv' } }] } as unknown as ServiceDto;
    const live = {
      id: 1,
      backends: [
        { id: 1, health: 'up' },
        { id: 2 ** 40, health: 'up', group: 5 },
        { id: 2 ** 40 + 1, health: 'down', group: 5 },
        { id: 2 ** 40 + 2, health: 'up', group: 5, removed: true },
      ],
    } as unknown as ServiceStatsDto;
    expect(countBackends(withGroup, live)).toEqual({ up: 2, total: 3, draining: 0 });
  });

  it('does not count a backend its agent keeps away (drain, maint, down, 0%)', () => {
    const st = stats({ 1: 'up', 2: 'up', 3: 'up' });
    const withAgent = (agent: object) => ({ ...st, backends: st.backends.map((b) => (b.id === 3 ? { ...b, agent } : b)) }) as ServiceStatsDto;
    const view = { weightPercent: null, reason: null, lastAt: 1, error: null };
    expect(countBackends(service, withAgent({ ...view, state: 'drain' })).up).toBe(1);
    expect(countBackends(service, withAgent({ ...view, state: 'up', weightPercent: 0 })).up).toBe(1);
    expect(countBackends(service, withAgent({ ...view, state: 'ready', weightPercent: 75 })).up).toBe(2);
  });
  it('counts nothing as up before stats arrive', () => {
    expect(countBackends(service, undefined)).toEqual({ up: 0, total: 3, draining: 1 });
  });
});

describe('upText', () => {
  it('shows draining backends separately', () => {
    expect(upText({ up: 2, total: 3, draining: 1 })).toBe('2/3 up · 1 draining');
    expect(upText({ up: 2, total: 2, draining: 0 })).toBe('2/2 up');
  });
});

describe('serviceHealth', () => {
  it('summarises counts', () => {
    expect(serviceHealth({ up: 3, total: 3, draining: 0 }, true)).toBe('up');
    expect(serviceHealth({ up: 2, total: 3, draining: 1 }, true)).toBe('degraded');
    expect(serviceHealth({ up: 1, total: 3, draining: 0 }, true)).toBe('degraded');
    expect(serviceHealth({ up: 0, total: 3, draining: 3 }, true)).toBe('down');
    expect(serviceHealth({ up: 0, total: 0, draining: 0 }, true)).toBe('empty');
    expect(serviceHealth({ up: 0, total: 2, draining: 0 }, false)).toBe('unknown');
  });
});

describe('throughput', () => {
  it('adds both directions', () => {
    expect(throughput({ newPerSec: 0, bytesInPerSec: 100, bytesOutPerSec: 50 })).toBe(150);
    expect(throughput({ newPerSec: 0, bytesInPerSec: null, bytesOutPerSec: null })).toBeNull();
    expect(throughput(undefined)).toBeNull();
  });
});

describe('proxySummary', () => {
  const be = (proxyProtocol: 'off' | 'v1' | 'v2' | null) => ({ proxyProtocol }) as ServiceDto['backends'][number];
  it('says what is sent and from whom a header is read, or nothing', () => {
    expect(proxySummary({ proxyProtocol: 'off', acceptProxyProtocol: null, backends: [be(null)] })).toBeNull();
    expect(proxySummary({ proxyProtocol: 'v2', acceptProxyProtocol: null, backends: [be(null), be('v2')] })).toBe('sends v2');
    expect(proxySummary({ proxyProtocol: 'off', acceptProxyProtocol: { from: ['10.0.0.0/8'] }, backends: [be('v1')] })).toBe('1 backend override · reads from 10.0.0.0/8');
  });
});
