import { describe, expect, it } from 'vitest';
import { normalizeAddress, parseMaxConnections, parseWeight, validateBackendAddress } from './backend-validation.ts';

describe('validateBackendAddress', () => {
  const existing = ['10.0.0.1:6379', 'Cache.Internal:6379'];

  it('accepts a new host:port', () => {
    expect(validateBackendAddress('10.0.0.2:6379', existing)).toBeNull();
    expect(validateBackendAddress('[::1]:6379', existing)).toBeNull();
  });
  it('explains format and port-range problems', () => {
    expect(validateBackendAddress('', existing)).toMatch(/host:port/);
    expect(validateBackendAddress('10.0.0.2', existing)).toMatch(/host:port/);
    expect(validateBackendAddress('10.0.0.2:99999', existing)).toMatch(/out of range/);
    expect(validateBackendAddress('10.0.0.2:0', existing)).toMatch(/out of range/);
    expect(validateBackendAddress('10.0.0.2:http', existing)).toMatch(/not a number/);
  });
  it('rejects duplicates, ignoring whitespace and host case', () => {
    expect(validateBackendAddress(' 10.0.0.1:6379 ', existing)).toMatch(/already a backend/);
    expect(validateBackendAddress('cache.internal:6379', existing)).toMatch(/already a backend/);
    expect(validateBackendAddress('10.0.0.1:6380', existing)).toBeNull();
  });
  it('normalises addresses', () => {
    expect(normalizeAddress(' Host.Example:80 ')).toBe('host.example:80');
    expect(normalizeAddress('[::1]:80')).toBe('[::1]:80');
  });
});

describe('parseWeight', () => {
  it('accepts whole numbers in range', () => {
    expect(parseWeight('0')).toEqual({ ok: true, value: 0 });
    expect(parseWeight(' 25 ')).toEqual({ ok: true, value: 25 });
  });
  it('rejects everything else', () => {
    expect(parseWeight('1.5').ok).toBe(false);
    expect(parseWeight('-1').ok).toBe(false);
    expect(parseWeight('').ok).toBe(false);
    expect(parseWeight('1001')).toEqual({ ok: false, reason: 'Weight must be at most 1000.' });
    expect(parseWeight('1000')).toEqual({ ok: true, value: 1000 });
    expect(parseWeight('99999999999999999999').ok).toBe(false);
  });
});

describe('parseMaxConnections', () => {
  it('reads empty as no limit and checks the admin range', () => {
    expect(parseMaxConnections('')).toEqual({ ok: true, value: 0 });
    expect(parseMaxConnections('500')).toEqual({ ok: true, value: 500 });
    expect(parseMaxConnections('1000000')).toEqual({ ok: true, value: 1_000_000 });
    expect(parseMaxConnections('1000001')).toEqual({ ok: false, reason: 'Max connections must be at most 1,000,000.' });
    expect(parseMaxConnections('-5').ok).toBe(false);
  });
});
