import { describe, expect, it } from 'vitest';
import { flatten, formatValue, serviceDiff } from './service-diff.ts';

const running = {
  name: 'redis',
  strategy: 'round-robin',
  idleTimeoutMs: 0,
  allow: [] as string[],
  agentCheck: null,
  strategyOptions: {},
  healthCheck: { type: 'tcp', intervalMs: 2000, rise: 2, passwordSet: true, closeOnDown: false },
};

describe('serviceDiff', () => {
  it('lists only the changed fields, old → new', () => {
    expect(serviceDiff(running, { strategy: 'least-connections', name: 'redis', idleTimeoutMs: 60000 })).toEqual([
      { path: 'strategy', from: 'round-robin', to: 'least-connections' },
      { path: 'idleTimeoutMs', from: '0', to: '60000' },
    ]);
  });
  it('flattens nested settings to readable paths and skips version', () => {
    expect(serviceDiff(running, { version: 4, healthCheck: { intervalMs: 500, rise: 2, closeOnDown: true }, strategyOptions: { boundedLoadFactor: 1.5 } })).toEqual([
      { path: 'healthCheck.intervalMs', from: '2000', to: '500' },
      { path: 'healthCheck.closeOnDown', from: 'false', to: 'true' },
      { path: 'strategyOptions.boundedLoadFactor', from: 'off', to: '1.5' },
    ]);
  });
  it('shows an agent check turned on, lists and a password without its value', () => {
    expect(serviceDiff(running, { agentCheck: { port: 9777, intervalMs: 2000 }, allow: ['10.0.0.0/8', '::1'], healthCheck: { password: 's3cret' } })).toEqual([
      { path: 'agentCheck.port', from: 'off', to: '9777' },
      { path: 'agentCheck.intervalMs', from: 'off', to: '2000' },
      { path: 'allow', from: '(none)', to: '10.0.0.0/8, ::1' },
      { path: 'healthCheck.password', from: 'set', to: 'changed' },
    ]);
  });
  it('is empty when the patch changes nothing', () => {
    expect(serviceDiff(running, {})).toEqual([]);
    expect(serviceDiff(running, { name: 'redis', healthCheck: { intervalMs: 2000 } })).toEqual([]);
  });
});

describe('formatValue and flatten', () => {
  it('spells out empty and off', () => {
    expect(formatValue('')).toBe('(empty)');
    expect(formatValue(null)).toBe('off');
    expect(formatValue([])).toBe('(none)');
  });
  it('flattens objects, keeps arrays whole', () => {
    expect([...flatten({ a: { b: 1 }, c: [1, 2] }, 'x')]).toEqual([
      ['x.a.b', 1],
      ['x.c', [1, 2]],
    ]);
  });
});
