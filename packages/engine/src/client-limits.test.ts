import { expect, it } from 'vitest';
import { CLIENT_LIMITS_DEFAULTS } from '@fulcrum/shared/defaults';
import type { ClientLimitsDto } from '@fulcrum/shared/api';
import { ClientLimits, clientLimitsOf } from './client-limits.ts';

// An hour-long interval: no token comes back while a test runs, so counts are exact.
const HOUR = 3_600_000;
const limits = (over: Partial<ClientLimitsDto>): ClientLimits => new ClientLimits({ ...CLIENT_LIMITS_DEFAULTS, ...over });

it('perClientConnections: N at once per client, the next refused until one ends', () => {
  const l = limits({ perClientConnections: 2 });
  const a = l.admit('10.0.0.1');
  const b = l.admit('10.0.0.1');
  expect(l.admit('10.0.0.1')).toBe('perClientConnections');
  expect(l.admit('10.0.0.2')).not.toBeTypeOf('string');
  l.release(a as never);
  expect(l.admit('10.0.0.1')).not.toBeTypeOf('string');
  l.release(b as never);
  expect(l.table.size).toBe(2);
});

it('perClientRate: a burst of N per client; a refused client takes nothing', () => {
  const l = limits({ perClientRate: { connections: 3, intervalMs: HOUR } });
  for (let i = 0; i < 3; i++) l.release(l.admit('10.0.0.1') as never);
  expect(l.admit('10.0.0.1')).toBe('perClientRate');
  expect(l.admit('10.0.0.1')).toBe('perClientRate');
  // Another client has its own bucket; the idle entry stays (its bucket is not full again).
  expect(l.admit('10.0.0.2')).not.toBeTypeOf('string');
  expect(l.table.size).toBe(2);
});

it('serviceRate: N for all clients together; per-client refusals do not spend it', () => {
  const l = limits({ serviceRate: { connections: 3, intervalMs: HOUR }, perClientConnections: 1 });
  expect(l.admit('10.0.0.1')).not.toBeTypeOf('string');
  expect(l.admit('10.0.0.1')).toBe('perClientConnections');
  expect(l.admit('10.0.0.2')).not.toBeTypeOf('string');
  expect(l.admit('10.0.0.3')).not.toBeTypeOf('string');
  expect(l.admit('10.0.0.4')).toBe('serviceRate');
  // Refused by the service: no entry was made for it.
  expect(l.table.size).toBe(3);
});

it('serviceRate alone tracks no client (no table entries, no address needed)', () => {
  const l = limits({ serviceRate: { connections: 2, intervalMs: HOUR } });
  expect(l.perClient).toBe(false);
  expect(l.admit('')).toBeNull();
  expect(l.admit('10.0.0.1')).toBeNull();
  expect(l.admit('10.0.0.1')).toBe('serviceRate');
  expect(l.table.size).toBe(0);
});

it('refuses a new client when the table is full of clients with live connections (fail closed)', () => {
  const l = limits({ perClientConnections: 5, tableSize: 100 });
  for (let i = 0; i < 100; i++) expect(l.admit(`10.0.${i >> 8}.${i & 255}`)).not.toBeTypeOf('string');
  expect(l.admit('10.1.0.1')).toBe('clientTableFull');
  // A known client still gets in (up to its limit).
  expect(l.admit('10.0.0.0')).not.toBeTypeOf('string');
  expect(l.table.peak).toBe(100);
});

it('groups IPv6 clients by ipv6Prefix', () => {
  const l = limits({ perClientConnections: 1, ipv6Prefix: 48 });
  expect(l.admit('2001:db8:1:1::1')).not.toBeTypeOf('string');
  expect(l.admit('2001:db8:1:ffff::2')).toBe('perClientConnections');
  expect(l.admit('2001:db8:2::1')).not.toBeTypeOf('string');
});

it('keeps counts across a config change; lowering a limit refuses only new connections', () => {
  const l = clientLimitsOf({ limits: { ...CLIENT_LIMITS_DEFAULTS, perClientConnections: 3 } }, null)!;
  const held = [l.admit('10.0.0.1'), l.admit('10.0.0.1'), l.admit('10.0.0.1')];
  expect(clientLimitsOf({ limits: { ...CLIENT_LIMITS_DEFAULTS, perClientConnections: 1 } }, l)).toBe(l);
  expect(l.admit('10.0.0.1')).toBe('perClientConnections');
  l.release(held[0] as never);
  l.release(held[1] as never);
  expect(l.admit('10.0.0.1')).toBe('perClientConnections');
  l.release(held[2] as never);
  expect(l.admit('10.0.0.1')).not.toBeTypeOf('string');
  // Every limit off: the same object stays (its connections release into it), admitting all.
  expect(clientLimitsOf({ limits: CLIENT_LIMITS_DEFAULTS }, l)).toBe(l);
  expect(l.admit('10.0.0.1')).toBeNull();
  // Never any limit: no object at all.
  expect(clientLimitsOf({}, null)).toBeNull();
  expect(clientLimitsOf({ limits: CLIENT_LIMITS_DEFAULTS }, null)).toBeNull();
});
