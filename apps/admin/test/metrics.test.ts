// GET /metrics: Prometheus text from engine counters, after real traffic through a real engine.
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody, ServiceDto } from '@fulcrum/shared/api';
import type { TcpServer, TestApp } from './helpers.ts';
import { TOKEN, api, eventually, freePort, startApp, startEchoServer, tcpRoundTrip } from './helpers.ts';

let t: TestApp;
let echo: TcpServer;
let port: number;
let service: ServiceDto;
const sockets: net.Socket[] = [];

beforeEach(async () => {
  t = await startApp();
  echo = await startEchoServer();
  port = await freePort();
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'cache',
    listen: `127.0.0.1:${port}`,
    healthCheck: { type: 'none' },
    backends: [{ address: `127.0.0.1:${echo.port}`, weight: 3 }],
  });
  service = res.json<ServiceDto>();
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await t.close();
  await echo.close();
});

/** Samples by `name{label="value",…}` with labels sorted by name, so tests do not depend on their order. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((m) => `${m[1]}="${m[2]}"`).sort();
    samples.set(labels.length ? `${match[1]}{${labels.join(',')}}` : match[1]!, Number(match[3]));
  }
  return samples;
}

async function scrape(): Promise<Map<string, number>> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  return parse(res.body);
}

const b = (address: string, state?: string) => `{backend="${address}",service="cache"${state ? `,state="${state}"` : ''}}`;

it('needs the API token', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(401);
  expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'UNAUTHORIZED' });
  const wrong = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
  expect(wrong.statusCode).toBe(401);
});

it('counts real traffic per backend and per service, in base units', async () => {
  const backend = `127.0.0.1:${echo.port}`;
  for (let i = 0; i < 5; i++) expect((await tcpRoundTrip(port, `hello-${i}`)).toString()).toBe(`hello-${i}`);
  // One connection stays open.
  const open = net.connect({ host: '127.0.0.1', port });
  sockets.push(open);
  await once(open, 'connect');
  open.write('x');
  await once(open, 'data');

  const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(res.body).toContain('# TYPE fulcrum_backend_connections_total counter');
  expect(res.body).toContain('# TYPE fulcrum_backend_connections_active gauge');
  const m = parse(res.body);
  expect(m.get(`fulcrum_backend_connections_total${b(backend)}`)).toBe(6);
  expect(m.get(`fulcrum_backend_connections_active${b(backend)}`)).toBe(1);
  expect(m.get(`fulcrum_backend_bytes_in_total${b(backend)}`)).toBe(5 * 'hello-0'.length + 1);
  expect(m.get(`fulcrum_backend_bytes_out_total${b(backend)}`)).toBe(5 * 'hello-0'.length + 1);
  expect(m.get(`fulcrum_backend_connect_failures_total${b(backend)}`)).toBe(0);
  expect(m.get(`fulcrum_backend_weight${b(backend)}`)).toBe(3);
  expect(m.get(`fulcrum_backend_connect_time_seconds${b(backend)}`)).toBeGreaterThan(0);
  expect(m.get(`fulcrum_backend_connect_time_seconds${b(backend)}`)).toBeLessThan(10);
  expect(m.get(`fulcrum_backend_health_state${b(backend, 'up')}`)).toBe(1);
  expect(m.get(`fulcrum_backend_health_state${b(backend, 'down')}`)).toBe(0);
  expect(m.get(`fulcrum_backend_health_state${b(backend, 'unknown')}`)).toBe(0);
  expect(m.get(`fulcrum_backend_admin_state${b(backend, 'enabled')}`)).toBe(1);
  expect(m.get(`fulcrum_backend_draining_connections${b(backend)}`)).toBe(0);
  expect(m.get('fulcrum_service_connections_total{service="cache"}')).toBe(6);
  expect(m.get('fulcrum_service_connections_active{service="cache"}')).toBe(1);
  expect(m.get('fulcrum_service_rejected_total{service="cache"}')).toBe(0);
  expect(m.get('fulcrum_service_retries_total{service="cache"}')).toBe(0);
  expect(m.get('fulcrum_service_queue_length{service="cache"}')).toBe(0);
  expect(m.get('fulcrum_service_listening{service="cache"}')).toBe(1);
  // The relay that moves the bytes (README "Node releases"): the native one on this Node.
  expect(m.get('fulcrum_relay_info{fallback="0",relay="native"}')).toBe(1);
  // Default process metrics from the same registry.
  expect(m.has('process_cpu_seconds_total')).toBe(true);
  expect([...m.keys()].some((k) => k.startsWith('nodejs_heap_size_total_bytes'))).toBe(true);
});

it('shows draining connections, failures, retries and rejections; forgets removed backends', async () => {
  const live = `127.0.0.1:${echo.port}`;
  const deadPort = await freePort();
  const dead = `127.0.0.1:${deadPort}`;
  // A connection that stays open on the live backend, which is then drained.
  const open = net.connect({ host: '127.0.0.1', port });
  sockets.push(open);
  await once(open, 'connect');
  open.write('x');
  await once(open, 'data');
  const added = await api(t.app, 'POST', `/api/services/${service.id}/backends`, { address: dead });
  expect(added.statusCode).toBe(201);
  const liveId = service.backends[0]!.id;
  expect((await api(t.app, 'PATCH', `/api/services/${service.id}/backends/${liveId}`, { state: 'draining' })).statusCode).toBe(200);

  let m = await scrape();
  expect(m.get(`fulcrum_backend_draining_connections${b(live)}`)).toBe(1);
  expect(m.get(`fulcrum_backend_admin_state${b(live, 'draining')}`)).toBe(1);

  // Only the dead backend takes new connections: the attempt fails and the client is turned away.
  const refused = net.connect({ host: '127.0.0.1', port });
  sockets.push(refused);
  refused.on('error', () => {});
  await once(refused, 'close');
  m = await eventually(async () => {
    const now = await scrape();
    return (now.get('fulcrum_service_rejected_total{service="cache"}') ?? 0) >= 1 ? now : undefined;
  });
  expect(m.get(`fulcrum_backend_connect_failures_total${b(dead)}`)).toBeGreaterThanOrEqual(1);

  // Back to enabled: a failure on the dead backend is retried on the live one.
  expect((await api(t.app, 'PATCH', `/api/services/${service.id}/backends/${liveId}`, { state: 'enabled' })).statusCode).toBe(200);
  for (let i = 0; i < 4; i++) expect((await tcpRoundTrip(port, 'r')).toString()).toBe('r');
  m = await scrape();
  expect(m.get('fulcrum_service_retries_total{service="cache"}')).toBeGreaterThanOrEqual(1);

  // A removed backend with nothing to drain disappears from the scrape.
  const deadId = added.json<{ id: number }>().id;
  expect((await api(t.app, 'DELETE', `/api/services/${service.id}/backends/${deadId}`)).statusCode).toBe(204);
  m = await eventually(async () => {
    const now = await scrape();
    return now.has(`fulcrum_backend_connections_total${b(dead)}`) ? undefined : now;
  });
  expect(m.has(`fulcrum_backend_connections_total${b(live)}`)).toBe(true);
});

describe('services disappear with their series', () => {
  it('after a delete', async () => {
    expect((await scrape()).has('fulcrum_service_connections_total{service="cache"}')).toBe(true);
    expect((await api(t.app, 'DELETE', `/api/services/${service.id}`)).statusCode).toBe(204);
    const m = await scrape();
    expect([...m.keys()].some((k) => k.includes('service="cache"'))).toBe(false);
  });
});
