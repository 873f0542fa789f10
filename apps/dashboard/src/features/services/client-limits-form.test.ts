import { describe, expect, it } from 'vitest';
import { CLIENT_LIMITS_DEFAULTS } from '@fulcrum/shared/defaults';
import { limitsSummary, parseLimitsForm, sameLimits, toLimitsForm } from './client-limits-form.ts';

describe('the limits fields', () => {
  it('show the defaults as empty limits, a 1 s interval, /64 and the table size', () => {
    expect(toLimitsForm(CLIENT_LIMITS_DEFAULTS)).toEqual({
      limitPerClient: '',
      limitClientRate: '',
      limitClientRateMs: '1000',
      limitServiceRate: '',
      limitServiceRateMs: '1000',
      limitIpv6Prefix: '64',
      limitTableSize: '100000',
    });
    expect(parseLimitsForm(toLimitsForm(CLIENT_LIMITS_DEFAULTS))).toEqual({ ok: true, value: CLIENT_LIMITS_DEFAULTS });
  });

  it('round-trip limits that are set', () => {
    const l = { perClientConnections: 5, perClientRate: { connections: 20, intervalMs: 250 }, serviceRate: { connections: 1000, intervalMs: 1000 }, ipv6Prefix: 56, tableSize: 5000 };
    expect(parseLimitsForm(toLimitsForm(l))).toEqual({ ok: true, value: l });
    expect(sameLimits(l, { ...l, perClientRate: { connections: 20, intervalMs: 250 } })).toBe(true);
    expect(sameLimits(l, { ...l, serviceRate: null })).toBe(false);
  });

  it.each([
    [{ limitPerClient: '0' }, 'limitPerClient', 'Connections per client must be at least 1.'],
    [{ limitPerClient: '-2' }, 'limitPerClient', 'Connections per client must be a whole number.'],
    [{ limitClientRate: '1.5' }, 'limitClientRate', 'New connections per client must be a whole number.'],
    [{ limitServiceRate: '10', limitServiceRateMs: '0' }, 'limitServiceRateMs', 'Service rate period must be at least 1.'],
    [{ limitIpv6Prefix: '129' }, 'limitIpv6Prefix', 'IPv6 prefix must be at most 128.'],
    [{ limitTableSize: '10' }, 'limitTableSize', 'Client table size must be at least 100.'],
  ])('refuse %o naming the field', (over, field, reason) => {
    expect(parseLimitsForm({ ...toLimitsForm(CLIENT_LIMITS_DEFAULTS), ...over })).toEqual({ ok: false, field, reason });
  });

  it('summarize in one line', () => {
    expect(limitsSummary(CLIENT_LIMITS_DEFAULTS)).toBe('none');
    expect(limitsSummary({ ...CLIENT_LIMITS_DEFAULTS, perClientConnections: 5, perClientRate: { connections: 20, intervalMs: 1000 }, serviceRate: { connections: 9, intervalMs: 250 } })).toBe(
      '5 at once per client · 20/s per client · 9 per 250 ms service',
    );
  });
});
