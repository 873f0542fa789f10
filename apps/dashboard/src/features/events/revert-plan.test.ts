import { describe, expect, it } from 'vitest';
import type { ServiceDto } from '@fulcrum/shared/api';
import { SERVICE_DEFAULTS } from '@fulcrum/shared/defaults';
import { checkRevert, revertPlan } from './revert-plan.ts';

const service = { kind: 'service-updated' as const, serviceId: 3, backendId: null };

function running(overrides: Partial<ServiceDto> = {}): ServiceDto {
  return {
    ...SERVICE_DEFAULTS,
    id: 3,
    name: 'cache',
    listen: '127.0.0.1:6380',
    strategy: 'random',
    strategyOptions: {},
    connectTimeoutMs: 3000,
    idleTimeoutMs: 0,
    retries: 2,
    drainTimeoutMs: 30000,
    maxQueue: 0,
    queueTimeoutMs: 5000,
    agentCheck: { port: 9777, intervalMs: 2000 },
    allow: [],
    deny: [],
    healthCheck: { intervalMs: 500 } as ServiceDto['healthCheck'],
    version: 9,
    backends: [{ id: 9, serviceId: 3, address: '127.0.0.1:7001', weight: 4, state: 'draining', backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null }],
    ...overrides,
  };
}

const serviceEvent = {
  ...service,
  details: { changes: { strategy: { from: 'round-robin', to: 'random' }, 'healthCheck.intervalMs': { from: 2000, to: 500 }, agentCheck: { from: null, to: { intervalMs: 2000, port: 9777 } } } },
};

describe('revertPlan', () => {
  it('turns a service change into the PATCH that puts the old values back, nested paths as objects', () => {
    expect(revertPlan(serviceEvent)).toMatchObject({ ok: true, serviceId: 3, backendId: null, patch: { strategy: 'round-robin', healthCheck: { intervalMs: 2000 }, agentCheck: null } });
  });
  it('reverts a backend weight and state change on the backend', () => {
    const plan = revertPlan({ kind: 'backend-updated', serviceId: 3, backendId: 9, details: { changes: { weight: { from: 1, to: 4 }, state: { from: 'enabled', to: 'draining' } } } });
    expect(plan).toMatchObject({ ok: true, serviceId: 3, backendId: 9, patch: { weight: 1, state: 'enabled' } });
  });
  it('is not offered on other kinds', () => {
    expect(revertPlan({ kind: 'service-created', serviceId: 3, backendId: null, details: {} })).toBeNull();
    expect(revertPlan({ kind: 'backend-health', serviceId: 3, backendId: 9, details: { from: 'up', to: 'down' } })).toBeNull();
  });
  it('refuses what it cannot put back, saying why', () => {
    const refuse = (details: Record<string, unknown>) => revertPlan({ ...service, details });
    expect(refuse({ changes: { 'healthCheck.password': { from: 'none', to: 'set' } } })).toEqual({ ok: false, reason: expect.stringContaining('password') });
    expect(refuse({ changes: { retries: { from: 2, to: 5 } }, backends: { added: ['a'] } })).toEqual({ ok: false, reason: expect.stringContaining('backend list') });
    expect(refuse({ changes: {} })).toEqual({ ok: false, reason: expect.stringContaining('no change') });
  });
});

describe('checkRevert', () => {
  const plan = revertPlan(serviceEvent);
  if (!plan?.ok) throw new Error('plan');
  it('shows each field from what runs now back to its old value, with the current version for If-Match', () => {
    expect(checkRevert(plan, running())).toEqual({
      ok: true,
      version: 9,
      rows: [
        { path: 'strategy', from: 'random', to: 'round-robin' },
        { path: 'healthCheck.intervalMs', from: '500', to: '2000' },
        { path: 'agentCheck.intervalMs', from: '2000', to: 'off' },
        { path: 'agentCheck.port', from: '9777', to: 'off' },
      ],
    });
  });
  it('refuses when a field it puts back was changed again, naming it', () => {
    const check = checkRevert(plan, running({ strategy: 'least-connections' }));
    expect(check).toEqual({ ok: false, reason: expect.stringContaining('strategy is least-connections now (this change set random)') });
  });
  it('ignores newer changes of other fields', () => {
    expect(checkRevert(plan, running({ retries: 7, version: 12 }))).toMatchObject({ ok: true, version: 12 });
  });
  it('refuses when the service or the backend is gone', () => {
    expect(checkRevert(plan, undefined)).toEqual({ ok: false, reason: 'The service no longer exists.' });
    const backendPlan = revertPlan({ kind: 'backend-updated', serviceId: 3, backendId: 10, details: { changes: { weight: { from: 1, to: 4 } } } });
    if (!backendPlan?.ok) throw new Error('plan');
    expect(checkRevert(backendPlan, running())).toEqual({ ok: false, reason: 'That backend is no longer part of cache.' });
  });
  it('checks a backend change against that backend', () => {
    const backendPlan = revertPlan({ kind: 'backend-updated', serviceId: 3, backendId: 9, details: { changes: { weight: { from: 1, to: 4 } } } });
    if (!backendPlan?.ok) throw new Error('plan');
    expect(checkRevert(backendPlan, running())).toEqual({ ok: true, version: 9, rows: [{ path: 'weight', from: '4', to: '1' }] });
  });
});
