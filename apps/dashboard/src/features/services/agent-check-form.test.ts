import { describe, expect, it } from 'vitest';
import { describeAgentCheck, parseAgentForm, sameAgentCheck, toAgentForm } from './agent-check-form.ts';

describe('agent check fields', () => {
  it('an empty port is no agent check; a port takes the interval', () => {
    expect(parseAgentForm({ agentPort: ' ', agentIntervalMs: 'x' })).toEqual({ ok: true, value: null });
    expect(parseAgentForm({ agentPort: '9777', agentIntervalMs: '500' })).toEqual({ ok: true, value: { port: 9777, intervalMs: 500 } });
  });

  it('refuses what the admin refuses, naming the field', () => {
    expect(parseAgentForm({ agentPort: '70000', agentIntervalMs: '2000' })).toMatchObject({ ok: false, field: 'agentPort' });
    expect(parseAgentForm({ agentPort: '0', agentIntervalMs: '2000' })).toMatchObject({ ok: false, field: 'agentPort' });
    expect(parseAgentForm({ agentPort: '9777', agentIntervalMs: '50' })).toMatchObject({ ok: false, field: 'agentIntervalMs', reason: 'Agent interval must be at least 100.' });
  });

  it('round-trips and compares', () => {
    expect(toAgentForm(null)).toEqual({ agentPort: '', agentIntervalMs: '2000' });
    expect(parseAgentForm(toAgentForm({ port: 1, intervalMs: 300 }))).toEqual({ ok: true, value: { port: 1, intervalMs: 300 } });
    expect(sameAgentCheck(null, null)).toBe(true);
    expect(sameAgentCheck(null, { port: 1, intervalMs: 2 })).toBe(false);
    expect(sameAgentCheck({ port: 1, intervalMs: 2 }, { port: 1, intervalMs: 2 })).toBe(true);
    expect(describeAgentCheck({ port: 9777, intervalMs: 2000 })).toBe(':9777 every 2000 ms');
  });
});
