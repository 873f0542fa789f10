// The consistency protocol: a 2xx means committed and live; any failure leaves SQLite and the
// engine exactly as they were — including a failure of COMMIT itself after the engine applied.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody, EventDto, ServiceDto } from '@fulcrum/shared/api';
import { ApiError } from '../src/http/api-error.ts';
import { createService } from '../src/config/service-changes.ts';
import type { TestApp } from './helpers.ts';
import { api, eventually, freePort, observable, refused, startApp, startTcpServer } from './helpers.ts';

let t: TestApp;
let service: ServiceDto;

beforeEach(async () => {
  t = await startApp();
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'main',
    listen: `127.0.0.1:${await freePort()}`,
    // No probes: health events must not interleave with the audit events asserted below.
    healthCheck: { type: 'none' },
    backends: [{ address: '127.0.0.1:7001' }],
  });
  service = res.json<ServiceDto>();
});

afterEach(async () => {
  await t.close();
});

describe('failures change nothing', () => {
  it('an engine refusal (cannot bind a foreign address) is 422 and rolls back', async () => {
    const before = await observable(t);
    // 192.0.2.0/24 is TEST-NET-1: never a local address, so bind() fails with EADDRNOTAVAIL.
    const res = await api(t.app, 'POST', '/api/services', { name: 'foreign', listen: '192.0.2.1:6380' });
    expect(res.statusCode).toBe(422);
    expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'ENGINE_REJECTED', field: 'listen' });
    expect(await observable(t)).toEqual(before);
    expect(t.store.db.inTransaction).toBe(false);
  });

  it('a failing COMMIT after a successful apply restores the engine and answers 500', async () => {
    const before = await observable(t);
    const beforeEvents = t.store.events.list({ limit: 100 });
    const newPort = await freePort();
    const change = t.app.fulcrum.config.change('test', (ctx) => {
      // A real constraint violation that SQLite only reports at COMMIT: a deferred foreign key.
      ctx.store.db.pragma('defer_foreign_keys = ON');
      const id = createService(ctx, { name: 'doomed', listen: `127.0.0.1:${newPort}` });
      ctx.store.db
        .prepare("INSERT INTO backends (service_id, host, port, weight, state, created_at) VALUES (999999, '127.0.0.1', 1, 1, 'enabled', 'now')")
        .run();
      return id;
    });
    const error = await change.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ statusCode: 500, code: 'INTERNAL' });
    // The engine had bound the new listener; the restore closed it again.
    expect(await observable(t)).toEqual(before);
    expect(t.engine.config.services.map((s) => s.name)).toEqual(['main']);
    expect(await refused(newPort)).toBe(true);
    expect(t.store.events.list({ limit: 100 })).toEqual(beforeEvents);
    expect(t.store.db.inTransaction).toBe(false);

    // The queue is not stuck and the next change works.
    const next = await api(t.app, 'PATCH', `/api/services/${service.id}`, { retries: 0 });
    expect(next.statusCode).toBe(200);
  });

  it('a 500 from the API never leaks the internal error', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/services',
      headers: { authorization: 'Bearer test-token-0123456789abcdef' },
      payload: { name: 'ok', listen: `127.0.0.1:${await freePort()}` },
    });
    expect(res.statusCode).toBe(201);
    // Closing the database under the app turns the next change into an internal error.
    t.store.db.close();
    const broken = await api(t.app, 'PATCH', `/api/services/${service.id}`, { retries: 0 });
    expect(broken.statusCode).toBe(500);
    expect(broken.json()).toEqual({ statusCode: 500, code: 'INTERNAL', message: 'internal server error' });
  });

  it('requests racing a failing change only ever see committed state', async () => {
    const blocker = await startTcpServer((socket) => socket.end());
    try {
      const before = await observable(t);
      const failing = api(t.app, 'POST', '/api/services', { name: 'clash', listen: `127.0.0.1:${blocker.port}` });
      const reads = Array.from({ length: 20 }, () => api(t.app, 'GET', '/api/services'));
      const events = Array.from({ length: 5 }, () => api(t.app, 'GET', '/api/events'));
      expect((await failing).statusCode).toBe(409);
      for (const read of await Promise.all(reads)) expect(read.json()).toEqual(before.services);
      for (const read of await Promise.all(events)) {
        expect(read.json<{ events: EventDto[] }>().events.map((e) => e.kind)).not.toContain('service-created:clash');
        expect(read.json<{ events: EventDto[] }>().events.some((e) => e.message.includes('clash'))).toBe(false);
      }
    } finally {
      await blocker.close();
    }
  });
});

describe('changes are serialized', () => {
  it('concurrent changes all apply, one version each, store and engine agree', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api(t.app, 'POST', `/api/services/${service.id}/backends`, { address: `127.0.0.1:${8000 + i}`, weight: i + 1 }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
    const after = (await api(t.app, 'GET', `/api/services/${service.id}`)).json<ServiceDto>();
    expect(after.version).toBe(13);
    expect(after.backends).toHaveLength(13);
    expect(t.store.readServices()).toEqual([after]);
    expect(t.engine.config.services[0]?.backends.map((b) => `${b.id}:${b.port}:${b.weight}`)).toEqual(
      after.backends.map((b) => `${b.id}:${b.address.split(':')[1]}:${b.weight}`),
    );
  });

  it('of concurrent changes based on the same version exactly one wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => api(t.app, 'PATCH', `/api/services/${service.id}`, { retries: i }, { 'if-match': '"1"' })),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409, 409]);
  });
});

describe('the audit log', () => {
  it('records each committed change with its actor, and engine events after it', async () => {
    const removed = await api(t.app, 'DELETE', `/api/services/${service.id}/backends/${service.backends[0]!.id}`);
    expect(removed.statusCode).toBe(204);
    // With no connections open the engine finishes draining at once and says so.
    const events = await eventually(async () => {
      const list = (await api(t.app, 'GET', '/api/events')).json<{ events: EventDto[] }>().events;
      return list.some((e) => e.kind === 'backend-drained') ? list : undefined;
    });
    // Health transitions (unknown → up) come from the engine on their own schedule; leave them out.
    const config = events.filter((e) => e.kind !== 'backend-health');
    expect(config.map((e) => [e.kind, e.actor])).toEqual([
      ['backend-drained', 'engine'],
      ['backend-removed', 'admin'],
      ['service-created', 'admin'],
    ]);
    expect(config[1]).toMatchObject({ serviceId: service.id, backendId: service.backends[0]!.id, details: { address: '127.0.0.1:7001' } });
    expect(config[0]).toMatchObject({ serviceId: service.id, backendId: service.backends[0]!.id, details: { removed: true } });
  });
});
