import { describe, expect, it } from 'vitest';
import type { EventDto } from '@fulcrum/shared/api';
import { EMPTY_FILTER, filterParams, isEmptyFilter, matchesParams } from './event-filter.ts';

const NOW = Date.parse('2026-11-30T14:00:00.000Z');
const event: EventDto = {
  id: 9,
  time: '2026-11-30T13:50:00.000Z',
  kind: 'backend-health',
  actor: 'engine',
  serviceId: 2,
  backendId: 4,
  message: 'backend 127.0.0.1:7001 of "cache" is DOWN (fall: 2 × connect refused)',
  details: {},
};

describe('filterParams', () => {
  it('sends nothing for the empty filter', () => {
    expect(filterParams(EMPTY_FILTER, NOW)).toEqual({});
    expect(isEmptyFilter({ ...EMPTY_FILTER, q: '   ' })).toBe(true);
  });
  it('sends each chosen filter, trimmed, with a relative range resolved now', () => {
    expect(filterParams({ ...EMPTY_FILTER, kind: 'backend-health', serviceId: '2', actor: ' engine ', q: ' is down ', range: '15m' }, NOW)).toEqual({
      kind: 'backend-health',
      serviceId: '2',
      actor: 'engine',
      q: 'is down',
      since: '2026-11-30T13:45:00.000Z',
    });
  });
  it('turns a custom range in local time into UTC bounds, either side open', () => {
    const from = '2026-11-30T10:00';
    expect(filterParams({ ...EMPTY_FILTER, range: 'custom', from }, NOW)).toEqual({ since: new Date(from).toISOString() });
    expect(filterParams({ ...EMPTY_FILTER, range: 'custom', to: from }, NOW)).toEqual({ until: new Date(from).toISOString() });
    expect(filterParams({ ...EMPTY_FILTER, range: 'custom', from: 'garbage' }, NOW)).toEqual({});
  });
});

describe('matchesParams', () => {
  it('matches like the server: kind, service, actor, since inclusive, until exclusive, q case-insensitive', () => {
    expect(matchesParams(event, {})).toBe(true);
    expect(matchesParams(event, { kind: 'backend-health', serviceId: '2', actor: 'engine', q: 'is down' })).toBe(true);
    expect(matchesParams(event, { kind: 'backend-state' })).toBe(false);
    expect(matchesParams(event, { serviceId: '3' })).toBe(false);
    expect(matchesParams(event, { actor: 'admin' })).toBe(false);
    expect(matchesParams(event, { q: 'is up' })).toBe(false);
    expect(matchesParams(event, { since: event.time })).toBe(true);
    expect(matchesParams(event, { until: event.time })).toBe(false);
    expect(matchesParams(event, { since: '2026-11-30T13:55:00.000Z' })).toBe(false);
  });
});
