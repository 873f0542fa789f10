// GET /api/events: newest first, paging with `before`, filters.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ApiErrorBody, EventDto, ServiceDto } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { api, freePort, startApp } from './helpers.ts';
import { EVENT_QUERY_LIMITS } from '@fulcrum/shared/limits';

interface Page {
  events: EventDto[];
  nextBefore: number | null;
}

let t: TestApp;
let a: ServiceDto;
let b: ServiceDto;

beforeEach(async () => {
  t = await startApp();
  a = (await api(t.app, 'POST', '/api/services', { name: 'a', listen: `127.0.0.1:${await freePort()}` })).json<ServiceDto>();
  b = (await api(t.app, 'POST', '/api/services', { name: 'b', listen: `127.0.0.1:${await freePort()}` })).json<ServiceDto>();
  for (let i = 0; i < 5; i++) await api(t.app, 'PATCH', `/api/services/${a.id}`, { retries: i });
});

afterEach(async () => {
  await t.close();
});

it('lists newest first and pages backwards', async () => {
  const all = (await api(t.app, 'GET', '/api/events')).json<Page>();
  expect(all.events).toHaveLength(7);
  expect(all.nextBefore).toBeNull();
  const ids = all.events.map((e) => e.id);
  expect([...ids].sort((x, y) => y - x)).toEqual(ids);
  expect(all.events[0]).toMatchObject({ kind: 'service-updated', actor: 'admin', serviceId: a.id, backendId: null });
  expect(all.events[0]?.details).toMatchObject({ changes: { retries: { from: 3, to: 4 } } });
  expect(new Date(all.events[0]!.time).getTime()).not.toBeNaN();

  const page1 = (await api(t.app, 'GET', '/api/events?limit=3')).json<Page>();
  expect(page1.events.map((e) => e.id)).toEqual(ids.slice(0, 3));
  expect(page1.nextBefore).toBe(ids[2]);
  const page2 = (await api(t.app, 'GET', `/api/events?limit=3&before=${page1.nextBefore}`)).json<Page>();
  expect(page2.events.map((e) => e.id)).toEqual(ids.slice(3, 6));
  const page3 = (await api(t.app, 'GET', `/api/events?limit=3&before=${page2.nextBefore}`)).json<Page>();
  expect(page3.events.map((e) => e.id)).toEqual(ids.slice(6));
  expect(page3.nextBefore).toBeNull();
});

it('filters by kind and service', async () => {
  const created = (await api(t.app, 'GET', '/api/events?kind=service-created')).json<Page>();
  expect(created.events.map((e) => e.serviceId)).toEqual([b.id, a.id]);
  const onlyB = (await api(t.app, 'GET', `/api/events?serviceId=${b.id}`)).json<Page>();
  expect(onlyB.events.map((e) => e.kind)).toEqual(['service-created']);
});

it.each([
  ['limit=0', 'limit'],
  ['limit=501', 'limit'],
  ['limit=ten', 'limit'],
  ['before=-1', 'before'],
  ['serviceId=x', 'serviceId'],
  ['colour=red', 'colour'],
])('rejects ?%s naming the field', async (query, field) => {
  const res = await api(t.app, 'GET', `/api/events?${query}`);
  expect(res.statusCode).toBe(400);
  expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field });
});

it('filters by actor and by time, since inclusive and until exclusive, with paging', async () => {
  const all = (await api(t.app, 'GET', '/api/events')).json<Page>().events;
  expect((await api(t.app, 'GET', '/api/events?actor=admin')).json<Page>().events).toEqual(all);
  expect((await api(t.app, 'GET', '/api/events?actor=engine')).json<Page>().events).toEqual([]);

  // Known times, written straight into the table (the log is just rows).
  const at = (iso: string, message: string) =>
    t.store.events.insert({ time: new Date(iso), kind: 'test', actor: 'test', message });
  at('2020-01-01T00:00:00.000Z', 'a');
  at('2020-01-02T00:00:00.000Z', 'b');
  at('2020-01-02T12:00:00.000Z', 'c');
  at('2020-01-03T00:00:00.000Z', 'd');
  const messages = async (query: string) =>
    (await api(t.app, 'GET', `/api/events?kind=test&${query}`)).json<Page>().events.map((e) => e.message);
  expect(await messages('since=2020-01-02')).toEqual(['d', 'c', 'b']);
  expect(await messages('until=2020-01-02')).toEqual(['a']);
  expect(await messages('since=2020-01-02&until=2020-01-03T00:00:00Z')).toEqual(['c', 'b']);
  // Offsets are converted to UTC before comparing.
  expect(await messages(`since=${encodeURIComponent('2020-01-02T13:00:00+02:00')}`)).toEqual(['d', 'c']);
  const page = (await api(t.app, 'GET', '/api/events?kind=test&since=2020-01-01&limit=2')).json<Page>();
  expect(page.events.map((e) => e.message)).toEqual(['d', 'c']);
  const rest = (await api(t.app, 'GET', `/api/events?kind=test&since=2020-01-01&limit=2&before=${page.nextBefore}`)).json<Page>();
  expect(rest.events.map((e) => e.message)).toEqual(['b', 'a']);
  expect(rest.nextBefore).toBeNull();
});

it.each([
  ['since=yesterday', 'since'],
  ['since=2020-01-01T10:00:00', 'since'],
  ['until=2020-13-45', 'until'],
  ['actor=', 'actor'],
])('rejects ?%s naming the field', async (query, field) => {
  const res = await api(t.app, 'GET', `/api/events?${query}`);
  expect(res.statusCode).toBe(400);
  expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field });
});

it('searches messages with ?q=, case-insensitive, with LIKE wildcards matching only themselves', async () => {
  const add = (message: string) => t.store.events.insert({ kind: 'test', actor: 'test', message });
  add('Backend 10.0.0.1:6379 is DOWN');
  add('100% of backends down');
  add('1000 of backends down');
  add('drained snake_case');
  add('drained snakeXcase');
  add('path C:\\data\\x');
  add('path C:dataxx');
  const search = async (q: string) =>
    (await api(t.app, 'GET', `/api/events?kind=test&q=${encodeURIComponent(q)}`)).json<Page>().events.map((e) => e.message);
  expect(await search('is down')).toEqual(['Backend 10.0.0.1:6379 is DOWN']);
  expect(await search('100%')).toEqual(['100% of backends down']);
  expect(await search('%')).toEqual(['100% of backends down']);
  expect(await search('snake_case')).toEqual(['drained snake_case']);
  expect(await search('_')).toEqual(['drained snake_case']);
  expect(await search('C:\\data')).toEqual(['path C:\\data\\x']);
  expect(await search('nothing like this')).toEqual([]);
  // Combines with the other filters and with paging.
  const page = (await api(t.app, 'GET', '/api/events?kind=test&q=down&limit=2')).json<Page>();
  expect(page.events.map((e) => e.message)).toEqual(['1000 of backends down', '100% of backends down']);
  const rest = (await api(t.app, 'GET', `/api/events?kind=test&q=down&limit=2&before=${page.nextBefore}`)).json<Page>();
  expect(rest.events.map((e) => e.message)).toEqual(['Backend 10.0.0.1:6379 is DOWN']);
  expect(rest.nextBefore).toBeNull();
  // The audit rows are searchable too.
  expect((await api(t.app, 'GET', `/api/events?q=${encodeURIComponent('"b"')}`)).json<Page>().events.map((e) => e.kind)).toEqual(['service-created']);
});

it.each([
  [`q=${'x'.repeat(EVENT_QUERY_LIMITS.searchMaxLength + 1)}`, 'q'],
  ['q=', 'q'],
])('rejects a search ?%s naming the field', async (query, field) => {
  const res = await api(t.app, 'GET', `/api/events?${query}`);
  expect(res.statusCode).toBe(400);
  expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field });
});

it('accepts a search of the longest allowed length', async () => {
  const res = await api(t.app, 'GET', `/api/events?q=${'x'.repeat(EVENT_QUERY_LIMITS.searchMaxLength)}`);
  expect(res.statusCode).toBe(200);
  expect(res.json<Page>().events).toEqual([]);
});
