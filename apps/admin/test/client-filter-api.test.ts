// allow/deny through the admin: validated (400 INVALID_CIDR naming the entry, nothing changed),
// persisted, exported, applied live, and counted in /api/stats and /metrics.
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ApiErrorBody, ConfigDocument, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { TcpServer, TestApp } from './helpers.ts';
import { TOKEN, api, eventually, expectRefused, servedFrom, startEchoService, untouched } from './helpers.ts';

let t: TestApp;
let echo: TcpServer;
let port: number;
let service: ServiceDto;

beforeEach(async () => {
  ({ t, echo, port, service } = await startEchoService({ allow: ['127.0.0.0/30'], deny: ['127.0.0.3'] }));
});

afterEach(async () => {
  await t.close();
  await echo.close();
});

async function stats(): Promise<StatsDto['services'][number]> {
  return (await api(t.app, 'GET', '/api/stats')).json<StatsDto>().services[0]!;
}

it('answers, persists and exports the lists', async () => {
  expect(service).toMatchObject({ allow: ['127.0.0.0/30'], deny: ['127.0.0.3'] });
  expect(t.store.readServices()[0]).toMatchObject({ allow: ['127.0.0.0/30'], deny: ['127.0.0.3'] });
  const doc = (await api(t.app, 'GET', '/api/config?format=json')).json<ConfigDocument>();
  expect(doc.services[0]).toMatchObject({ allow: ['127.0.0.0/30'], deny: ['127.0.0.3'] });
  // The exported document imports back unchanged; an entry's absence means the default ([]).
  expect((await api(t.app, 'PUT', '/api/config', doc)).statusCode).toBe(200);
  expect(t.engine.config.services[0]).toMatchObject({ allow: ['127.0.0.0/30'], deny: ['127.0.0.3'] });
  const { allow: _a, deny: _d, ...rest } = doc.services[0]!;
  expect((await api(t.app, 'PUT', '/api/config', { version: 1, services: [rest] })).statusCode).toBe(200);
  expect(t.engine.config.services[0]).toMatchObject({ allow: [], deny: [] });
});

it('refuses clients at accept and counts them in /api/stats and /metrics', async () => {
  expect(await servedFrom(port, '127.0.0.2')).toBe(true);
  expect(await servedFrom(port, '127.0.0.3')).toBe(false);
  expect(await servedFrom(port, '127.0.0.9')).toBe(false);
  expect(echo.accepted).toBe(1);
  const s = await eventually(async () => {
    const now = await stats();
    return now.rejectedByReason.denied === 2 ? now : null;
  });
  expect(s.rejected).toBe(0);
  const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(metrics.body).toContain('fulcrum_service_accept_rejected_total{service="db",reason="denied"} 2');
});

it('changes live: an established allowed connection survives a PATCH that denies its client', async () => {
  const s = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
  s.on('error', () => {});
  await once(s, 'connect');
  const roundTrip = async (): Promise<string> => {
    s.write('x');
    const [d] = await once(s, 'data');
    return String(d);
  };
  try {
    expect(await roundTrip()).toBe('x');
    const res = await api(t.app, 'PATCH', `/api/services/${service.id}`, { deny: ['127.0.0.2', '127.0.0.3'] });
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceDto>().deny).toEqual(['127.0.0.2', '127.0.0.3']);
    for (let i = 0; i < 10; i++) expect(await roundTrip()).toBe('x');
    expect(await servedFrom(port, '127.0.0.2')).toBe(false);
    expect(await servedFrom(port, '127.0.0.1')).toBe(true);
  } finally {
    s.destroy();
  }
});

it.each([
  ['a malformed entry', { allow: ['127.0.0.0/8', 'not-a-cidr'] }, 'allow[1]', 'INVALID_CIDR'],
  ['an IPv4 prefix out of range', { deny: ['10.0.0.0/33'] }, 'deny[0]', 'INVALID_CIDR'],
  ['an IPv6 prefix out of range', { deny: ['::/129'] }, 'deny[0]', 'INVALID_CIDR'],
  ['a short IPv4 form', { allow: ['10.1'] }, 'allow[0]', 'INVALID_CIDR'],
  ['1001 entries', { allow: Array.from({ length: 1001 }, () => '10.0.0.1') }, 'allow', 'VALIDATION_ERROR'],
  ['not a list', { deny: '10.0.0.1' }, 'deny', 'VALIDATION_ERROR'],
])('PATCH with %s → 400 naming the field, nothing changed', async (_what, body, field, code) => {
  await expectRefused(t, 'PATCH', `/api/services/${service.id}`, body, { code, field });
});

it('a bad entry in PUT /api/config is named with its service', async () => {
  const doc = (await api(t.app, 'GET', '/api/config?format=json')).json<ConfigDocument>();
  const before = untouched(t);
  const res = await api(t.app, 'PUT', '/api/config', { ...doc, services: [{ ...doc.services[0], deny: ['1.2.3.4/99'] }] });
  expect(res.statusCode).toBe(400);
  expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'INVALID_CIDR' });
  expect(res.json<ApiErrorBody>().field).toMatch(/deny\[0\]$/);
  expect(untouched(t)).toEqual(before);
});
