// Discovery groups through the API: every bad `discover` is a 400 naming its field with nothing
// changed; a group is stored, exported and imported like a backend; a name that never resolves
// leaves the group empty with its error shown and an event, never a failed request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigDocument, EventDto, ServiceDto } from '@fulcrum/shared/api';
import { api, eventually, freePort, startApp, untouched } from '../helpers.ts';
import type { TestApp } from '../helpers.ts';
import { MEMBER_ID_BASE } from '../../src/discovery/discovery.ts';

describe('discovery groups in the API', () => {
  let t: TestApp;
  let serviceId: number;

  beforeAll(async () => {
    // A DNS server address where nothing answers: every resolution fails (quickly, refused).
    t = await startApp({ dnsServers: ['127.0.0.1:1'] });
    const res = await api(t.app, 'POST', '/api/services', { name: 'cache', listen: `127.0.0.1:${await freePort()}` });
    serviceId = res.json<ServiceDto>().id;
  });
  afterAll(async () => t.close());

  const bad: [string, unknown, string][] = [
    ['SRV name without service labels', { discover: { type: 'srv', name: 'redis.internal' } }, 'discover.name'],
    ['unknown type', { discover: { type: 'mdns', name: 'redis.internal', port: 6379 } }, 'discover.type'],
    ['min TTL above max', { discover: { type: 'dns', name: 'redis.internal', port: 6379, minTtlMs: 5000, maxTtlMs: 1000 } }, 'discover.minTtlMs'],
    ['port missing for dns', { discover: { type: 'dns', name: 'redis.internal' } }, 'discover.port'],
    ['port given for srv', { discover: { type: 'srv', name: '_redis._tcp.internal', port: 6379 } }, 'discover.port'],
    ['both address and discover', { address: '127.0.0.1:6379', discover: { type: 'dns', name: 'redis.internal', port: 6379 } }, 'discover'],
    ['neither', { weight: 3 }, 'address'],
    ['an IP address as name', { discover: { type: 'dns', name: '10.0.0.1', port: 6379 } }, 'discover.name'],
    ['a name that is not a DNS name', { discover: { type: 'dns', name: 'redis internal', port: 6379 } }, 'discover.name'],
    ['TTL bound out of range', { discover: { type: 'dns', name: 'redis.internal', port: 6379, minTtlMs: 1 } }, 'discover.minTtlMs'],
    ['an unknown discover field', { discover: { type: 'dns', name: 'redis.internal', port: 6379, ttl: 5 } }, 'discover.ttl'],
  ];
  it.each(bad)('refuses %s with 400 naming the field, nothing changed', async (_what, body, field) => {
    const before = untouched(t);
    const res = await api(t.app, 'POST', `/api/services/${serviceId}/backends`, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR', field });
    expect(untouched(t)).toEqual(before);
  });

  it('refuses a bad group inside a service list and a config document, naming the path', async () => {
    const before = untouched(t);
    const patch = await api(t.app, 'PATCH', `/api/services/${serviceId}`, { backends: [{ address: '127.0.0.1:7000' }, { discover: { type: 'srv', name: 'x.internal' } }] });
    expect(patch.json()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'backends[1].discover.name' });
    const doc = { version: 1, services: [{ name: 'cache', listen: '127.0.0.1:1', backends: [{ discover: { type: 'dns', name: 'a.internal', port: 1, minTtlMs: 9000, maxTtlMs: 100 } }] }] };
    const put = await api(t.app, 'PUT', '/api/config', doc);
    expect(put.json()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'services[0].backends[0].discover.minTtlMs' });
    expect(untouched(t)).toEqual(before);
  });

  it('adds a group whose name does not resolve: it stays empty, shows the error and raises an event', async () => {
    const res = await api(t.app, 'POST', `/api/services/${serviceId}/backends`, {
      discover: { type: 'srv', name: '_redis._tcp.Internal.' },
      weight: 5,
    });
    expect(res.statusCode).toBe(201);
    const group = res.json<ServiceDto['backends'][number]>();
    expect(group).toMatchObject({
      address: 'srv:_redis._tcp.internal',
      weight: 5,
      discover: { type: 'srv', name: '_redis._tcp.internal', minTtlMs: 1000, maxTtlMs: 60_000 },
      discovery: { groupId: group.id, members: [] },
    });
    expect(group.discover).not.toHaveProperty('port');
    expect(group.discovery?.lastError).not.toBe('');
    const failed = await eventually(async () => (await api(t.app, 'GET', '/api/events?kind=discovery-failed')).json<{ events: EventDto[] }>().events[0]);
    expect(failed).toMatchObject({ actor: 'dns', serviceId, backendId: group.id });
    // Not an engine backend: the engine has no member of it.
    expect(t.engine.config.services.find((s) => s.id === serviceId)!.backends).toEqual([]);
    expect(group.id).toBeLessThan(MEMBER_ID_BASE);
    // The same group again is a duplicate.
    const again = await api(t.app, 'POST', `/api/services/${serviceId}/backends`, { discover: { type: 'srv', name: '_redis._tcp.internal' } });
    expect(again.statusCode).toBe(409);
    // A group has no address to change.
    const patch = await api(t.app, 'PATCH', `/api/services/${serviceId}/backends/${group.id}`, { address: '127.0.0.1:7000' });
    expect(patch.json()).toMatchObject({ statusCode: 400, field: 'address' });
  });

  it('exports a group with `discover` (YAML too) and imports it back unchanged', async () => {
    await api(t.app, 'POST', `/api/services/${serviceId}/backends`, { discover: { type: 'dns', name: 'redis.internal', port: 6379, minTtlMs: 500, maxTtlMs: 2000 } });
    const doc = (await api(t.app, 'GET', '/api/config')).json<ConfigDocument>();
    const backends = doc.services[0]!.backends;
    expect(backends).toContainEqual({ discover: { type: 'dns', name: 'redis.internal', port: 6379, minTtlMs: 500, maxTtlMs: 2000 }, weight: 1, state: 'enabled', backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null });
    expect(backends.every((b) => b.address === undefined)).toBe(true);
    const yaml = (await api(t.app, 'GET', '/api/config?format=yaml')).body;
    expect(yaml).toContain('type: dns');
    const ids = t.store.readServices()[0]!.backends.map((b) => b.id);
    const put = await api(t.app, 'PUT', '/api/config', yaml, { 'content-type': 'application/yaml' });
    expect(put.statusCode).toBe(200);
    // Matched by type, name and port: the same rows, the same ids.
    expect(t.store.readServices()[0]!.backends.map((b) => b.id)).toEqual(ids);
    expect((await api(t.app, 'GET', '/api/config')).json()).toEqual(doc);
  });
});
