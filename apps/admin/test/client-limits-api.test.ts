// `limits` through the admin: validated (400 naming the field, nothing changed), persisted,
// exported and imported, applied live under load without closing established connections, and
// counted in /api/stats, /metrics and (rate-bounded) the event log.
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { noRejections } from '@fulcrum/shared/enums';
import type { ApiErrorBody, ConfigDocument, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import { CLIENT_LIMITS_DEFAULTS } from '@fulcrum/shared/defaults';
import type { TcpServer, TestApp } from './helpers.ts';
import { TOKEN, api, eventually, expectRefused, servedFrom, startEchoService, untouched } from './helpers.ts';

let t: TestApp;
let echo: TcpServer;
let port: number;
let service: ServiceDto;
const open: net.Socket[] = [];

beforeEach(async () => {
  ({ t, echo, port, service } = await startEchoService({ limits: { perClientConnections: 2, perClientRate: { connections: 1000, intervalMs: 1000 }, ipv6Prefix: 56 } }));
});

afterEach(async () => {
  for (const s of open.splice(0)) s.destroy();
  await t.close();
  await echo.close();
});

async function stats(): Promise<StatsDto['services'][number]> {
  return (await api(t.app, 'GET', '/api/stats')).json<StatsDto>().services[0]!;
}

/** An established connection from `from` (kept open until the test ends). */
async function connection(from: string): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port, localAddress: from });
  s.on('error', () => {});
  open.push(s);
  await once(s, 'connect');
  return s;
}

async function roundTrip(s: net.Socket): Promise<string> {
  s.write('x');
  const [d] = await once(s, 'data');
  return String(d);
}

const expected = { ...CLIENT_LIMITS_DEFAULTS, perClientConnections: 2, perClientRate: { connections: 1000, intervalMs: 1000 }, ipv6Prefix: 56 };

it('answers with every field (defaults filled in), persists, exports and imports the limits', async () => {
  expect(service.limits).toEqual(expected);
  expect(t.store.readServices()[0]!.limits).toEqual(expected);
  expect(t.engine.config.services[0]!.limits).toEqual(expected);
  // A PATCH changes the fields it names and keeps the others.
  const patched = await api(t.app, 'PATCH', `/api/services/${service.id}`, { limits: { serviceRate: { connections: 50, intervalMs: 100 }, perClientRate: null } });
  expect(patched.statusCode).toBe(200);
  const now = { ...expected, perClientRate: null, serviceRate: { connections: 50, intervalMs: 100 } };
  expect(patched.json<ServiceDto>().limits).toEqual(now);
  const doc = (await api(t.app, 'GET', '/api/config?format=json')).json<ConfigDocument>();
  expect(doc.services[0]!.limits).toEqual(now);
  const yaml = await t.app.inject({ method: 'GET', url: '/api/config?format=yaml', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(yaml.body).toContain('limits:\n      perClientConnections: 2\n');
  // The exported document imports back unchanged; a document without limits means the defaults.
  expect((await api(t.app, 'PUT', '/api/config', doc)).statusCode).toBe(200);
  expect(t.engine.config.services[0]!.limits).toEqual(now);
  const { limits: _l, ...rest } = doc.services[0]!;
  expect((await api(t.app, 'PUT', '/api/config', { version: 1, services: [rest] })).statusCode).toBe(200);
  expect(t.store.readServices()[0]!.limits).toEqual(CLIENT_LIMITS_DEFAULTS);
  // And a document with a partial `limits` takes the defaults for the rest.
  expect((await api(t.app, 'PUT', '/api/config', { version: 1, services: [{ ...rest, limits: { perClientConnections: 7 } }] })).statusCode).toBe(200);
  expect(t.engine.config.services[0]!.limits).toEqual({ ...CLIENT_LIMITS_DEFAULTS, perClientConnections: 7 });
});

it('refuses a client over its limit before any backend, counts it in /api/stats and /metrics, and logs at a bounded rate', async () => {
  const a = await connection('127.0.0.2');
  const b = await connection('127.0.0.2');
  expect(await roundTrip(a)).toBe('x');
  expect(await roundTrip(b)).toBe('x');
  for (let i = 0; i < 10; i++) expect(await servedFrom(port, '127.0.0.2')).toBe(false);
  expect(await servedFrom(port, '127.0.0.3')).toBe(true);
  expect(echo.accepted).toBe(3);
  const s = await eventually(async () => {
    const now = await stats();
    return now.rejectedByReason.perClientConnections === 10 ? now : null;
  });
  expect(s.rejectedByReason).toEqual({ ...noRejections(), perClientConnections: 10 });
  expect(s.rejected).toBe(0);
  const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(metrics.body).toContain('fulcrum_service_accept_rejected_total{service="db",reason="perClientConnections"} 10');
  expect(metrics.body).toContain('fulcrum_service_accept_rejected_total{service="db",reason="serviceRate"} 0');
  expect(metrics.body).toMatch(/fulcrum_service_client_table_entries\{service="db"\} [1-9]/);
  // Ten refusals, one event (the rest are summed up at the end of the gate's window).
  const rows = await eventually(() => {
    const found = t.store.db.prepare("SELECT message, details FROM events WHERE kind = 'service-error'").all() as { message: string; details: string }[];
    return found.length > 0 ? found : null;
  });
  expect(rows).toHaveLength(1);
  expect(rows[0]!.message).toContain('client 127.0.0.2 refused: it already has 2 connections (limits.perClientConnections)');
  expect(JSON.parse(rows[0]!.details)).toMatchObject({ code: 'LIMIT_PER_CLIENT_CONNECTIONS' });
});

it('changes live under load: a lower perClientConnections closes no established connection and refuses new ones', async () => {
  const conns = [await connection('127.0.0.2'), await connection('127.0.0.2')];
  let trips = 0;
  let stop = false;
  // Both connections keep echoing while the limit changes (bounded: stops with the test).
  const load = Promise.all(
    conns.map(async (s) => {
      for (let i = 0; i < 10_000 && !stop; i++) {
        expect(await roundTrip(s)).toBe('x');
        trips++;
      }
    }),
  );
  await eventually(() => trips > 50);
  const res = await api(t.app, 'PATCH', `/api/services/${service.id}`, { limits: { perClientConnections: 1 } });
  expect(res.statusCode).toBe(200);
  expect(t.engine.config.services[0]!.limits!.perClientConnections).toBe(1);
  const at = trips;
  await eventually(() => trips > at + 50);
  expect(await servedFrom(port, '127.0.0.2')).toBe(false);
  expect(await servedFrom(port, '127.0.0.4')).toBe(true);
  stop = true;
  await load;
  expect((await stats()).active).toBeGreaterThanOrEqual(2);
  // Raised again: served again, the established connections untouched all along.
  expect((await api(t.app, 'PATCH', `/api/services/${service.id}`, { limits: { perClientConnections: 3 } })).statusCode).toBe(200);
  expect(await servedFrom(port, '127.0.0.2')).toBe(true);
  for (const s of conns) expect(await roundTrip(s)).toBe('x');
});

it.each([
  ['a zero perClientConnections', { perClientConnections: 0 }, 'limits.perClientConnections'],
  ['a negative perClientConnections', { perClientConnections: -3 }, 'limits.perClientConnections'],
  ['a fractional perClientConnections', { perClientConnections: 1.5 }, 'limits.perClientConnections'],
  ['a perClientConnections in quotes', { perClientConnections: '5' }, 'limits.perClientConnections'],
  ['a zero rate', { perClientRate: { connections: 0, intervalMs: 1000 } }, 'limits.perClientRate.connections'],
  ['a negative interval', { serviceRate: { connections: 10, intervalMs: -1 } }, 'limits.serviceRate.intervalMs'],
  ['a fractional interval', { serviceRate: { connections: 10, intervalMs: 0.5 } }, 'limits.serviceRate.intervalMs'],
  ['a rate without its interval', { perClientRate: { connections: 10 } }, 'limits.perClientRate.intervalMs'],
  ['a rate as a number', { perClientRate: 10 }, 'limits.perClientRate'],
  ['an ipv6Prefix of 0', { ipv6Prefix: 0 }, 'limits.ipv6Prefix'],
  ['an ipv6Prefix of 129', { ipv6Prefix: 129 }, 'limits.ipv6Prefix'],
  ['a fractional ipv6Prefix', { ipv6Prefix: 64.5 }, 'limits.ipv6Prefix'],
  ['a tiny tableSize', { tableSize: 5 }, 'limits.tableSize'],
  ['an unknown field', { perClientBandwidth: 5 }, 'limits.perClientBandwidth'],
])('PATCH with %s → 400 naming the field, nothing changed', async (_what, limits, field) => {
  await expectRefused(t, 'PATCH', `/api/services/${service.id}`, { limits }, { code: 'VALIDATION_ERROR', field });
});

it('a bad limit in PUT /api/config is named with its service, nothing changed', async () => {
  const doc = (await api(t.app, 'GET', '/api/config?format=json')).json<ConfigDocument>();
  const before = untouched(t);
  const res = await api(t.app, 'PUT', '/api/config', { ...doc, services: [{ ...doc.services[0], limits: { perClientConnections: -1 } }] });
  expect(res.statusCode).toBe(400);
  expect(res.json<ApiErrorBody>().field).toBe('services[0].limits.perClientConnections');
  expect(untouched(t)).toEqual(before);
});

it('describes limits in the OpenAPI document (request and answer)', async () => {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, { properties?: Record<string, unknown> }> } }> } }>> }>();
  const patch = doc.paths['/api/services/{id}']!.patch!.requestBody!.content['application/json']!.schema.properties.limits!;
  expect(Object.keys(patch.properties!)).toEqual(['perClientConnections', 'perClientRate', 'serviceRate', 'ipv6Prefix', 'tableSize']);
  expect(JSON.stringify(doc)).toContain('clientTableFull');
});
