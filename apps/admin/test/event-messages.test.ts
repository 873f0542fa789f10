// The event log's messages: they name services, count backends in words, and show what changed.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { EventDto, ServiceDto } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { api, eventually, freePort, startApp } from './helpers.ts';

let t: TestApp;

beforeEach(async () => {
  t = await startApp();
});

afterEach(async () => {
  await t.close();
});

const events = async (kind: string): Promise<EventDto[]> =>
  (await api(t.app, 'GET', `/api/events?kind=${kind}`)).json<{ events: EventDto[] }>().events;

it("names a new service in its first health event, which comes before the service is committed", async () => {
  // With no health check a backend is up as soon as the engine applies the service.
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'fresh',
    listen: `127.0.0.1:${await freePort()}`,
    healthCheck: { type: 'none' },
    backends: [{ address: '127.0.0.1:7001' }],
  });
  expect(res.statusCode).toBe(201);
  const [health] = await eventually(async () => {
    const list = await events('backend-health');
    return list.length > 0 ? list : undefined;
  });
  expect(health?.message).toContain('backend 127.0.0.1:7001 of "fresh" is up');
});

it('counts backends in words in service-created', async () => {
  await api(t.app, 'POST', '/api/services', { name: 'one', listen: `127.0.0.1:${await freePort()}`, backends: [{ address: '127.0.0.1:7001' }] });
  await api(t.app, 'POST', '/api/services', { name: 'none', listen: `127.0.0.1:${await freePort()}` });
  const messages = (await events('service-created')).map((e) => e.message);
  expect(messages).toEqual([expect.stringMatching(/\(round-robin, 0 backends\)$/), expect.stringMatching(/\(round-robin, 1 backend\)$/)]);
});

it('shows before → after of scalar fields in service-updated, through PATCH and PUT /api/config', async () => {
  const listen = `127.0.0.1:${await freePort()}`;
  const created = (await api(t.app, 'POST', '/api/services', { name: 'svc', listen })).json<ServiceDto>();
  const patched = await api(t.app, 'PATCH', `/api/services/${created.id}`, { strategy: 'least-connections', retries: 5, strategyOptions: {} });
  expect(patched.statusCode).toBe(200);
  let [updated] = await events('service-updated');
  expect(updated?.message).toBe('service "svc" updated: strategy: round-robin → least-connections, retries: 2 → 5');
  expect(updated?.details).toEqual({ changes: { strategy: { from: 'round-robin', to: 'least-connections' }, retries: { from: 2, to: 5 } } });

  const put = await api(t.app, 'PUT', '/api/config', { version: 1, services: [{ name: 'svc', listen, strategy: 'random', retries: 5 }] });
  expect(put.statusCode).toBe(200);
  [updated] = await events('service-updated');
  expect(updated?.message).toBe('service "svc" updated: strategy: least-connections → random');
  expect(updated?.details).toEqual({ changes: { strategy: { from: 'least-connections', to: 'random' } } });
});

it('records a backend change field by field with before → after (what the console reverts)', async () => {
  const created = (await api(t.app, 'POST', '/api/services', { name: 'svc', listen: `127.0.0.1:${await freePort()}`, backends: [{ address: '127.0.0.1:7001' }] })).json<ServiceDto>();
  const backend = created.backends[0]!;
  const res = await api(t.app, 'PATCH', `/api/services/${created.id}/backends/${backend.id}`, { weight: 4, state: 'draining' });
  expect(res.statusCode).toBe(200);
  const [updated] = await events('backend-updated');
  expect(updated).toMatchObject({ serviceId: created.id, backendId: backend.id });
  expect(updated?.details).toEqual({ changes: { weight: { from: 1, to: 4 }, state: { from: 'enabled', to: 'draining' } } });
});
