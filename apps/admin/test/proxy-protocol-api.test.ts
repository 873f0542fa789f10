// PROXY protocol through the admin: proxyProtocol (service default, backend override, null =
// the service's) and acceptProxyProtocol validated (400 naming the field, nothing changed),
// persisted, exported/imported, applied live, counted in /api/stats and /metrics.
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { noRejections } from '@fulcrum/shared/enums';
import type { ApiErrorBody, BackendDto, ConfigDocument, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { TcpServer, TestApp } from './helpers.ts';
import { TOKEN, api, eventually, expectRefused, freePort, startApp, startTcpServer, untouched } from './helpers.ts';

let t: TestApp;
let backendA: TcpServer;
let backendB: TcpServer;
let port: number;
let service: ServiceDto;
/** Each backend connection's bytes, in arrival order, by backend port. */
const received = new Map<number, string[]>();

/** A backend that records what each connection sends and answers "ok" after 2 bytes of payload. */
async function recorder(): Promise<TcpServer> {
  const server = await startTcpServer((s) => {
    const list = received.get(server.port) ?? [];
    received.set(server.port, list);
    const at = list.push('') - 1;
    s.on('data', (d: Buffer) => {
      list[at] += d.toString('latin1');
      if (list[at]!.endsWith('hi')) s.end('ok');
    });
  });
  return server;
}

beforeEach(async () => {
  received.clear();
  t = await startApp();
  backendA = await recorder();
  backendB = await recorder();
  port = await freePort();
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'db',
    listen: `127.0.0.1:${port}`,
    healthCheck: { type: 'none' },
    strategy: 'round-robin',
    proxyProtocol: 'v2',
    acceptProxyProtocol: { from: ['127.0.0.0/8'] },
    backends: [{ address: `127.0.0.1:${backendA.port}`, proxyProtocol: 'v1' }, { address: `127.0.0.1:${backendB.port}`, weight: 0 }],
  });
  expect(res.statusCode).toBe(201);
  service = res.json<ServiceDto>();
});

afterEach(async () => {
  await t.close();
  await backendA.close();
  await backendB.close();
});

/** A client behind a balancer: sends a v1 header naming `client`, then "hi"; resolves with the answer. */
async function viaHeader(client: string, clientPort: number, text = `PROXY TCP4 ${client} 127.0.0.1 ${clientPort} ${port}\r\nhi`): Promise<string> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await once(s, 'connect');
  let answer = '';
  s.on('data', (d: Buffer) => (answer += String(d)));
  s.write(text);
  await once(s, 'close');
  return answer;
}

it('answers, persists, exports and imports the settings (absent = the defaults)', async () => {
  expect(service).toMatchObject({ proxyProtocol: 'v2', acceptProxyProtocol: { from: ['127.0.0.0/8'] } });
  expect(service.backends.map((b) => b.proxyProtocol)).toEqual(['v1', null]);
  expect(t.store.readServices()[0]).toMatchObject({ proxyProtocol: 'v2', acceptProxyProtocol: { from: ['127.0.0.0/8'] } });
  const doc = (await api(t.app, 'GET', '/api/config?format=json')).json<ConfigDocument>();
  expect(doc.services[0]).toMatchObject({ proxyProtocol: 'v2', acceptProxyProtocol: { from: ['127.0.0.0/8'] } });
  expect(doc.services[0]!.backends.map((b) => b.proxyProtocol)).toEqual(['v1', null]);
  expect((await api(t.app, 'PUT', '/api/config', doc)).statusCode).toBe(200);
  expect(t.engine.config.services[0]).toMatchObject({ proxyProtocol: 'v2', acceptProxyProtocol: { from: ['127.0.0.0/8'] } });
  expect(t.engine.config.services[0]!.backends.map((b) => b.proxyProtocol)).toEqual(['v1', null]);
  const { proxyProtocol: _p, acceptProxyProtocol: _a, ...rest } = doc.services[0]!;
  const backends = rest.backends.map(({ proxyProtocol: _bp, ...b }) => b);
  expect((await api(t.app, 'PUT', '/api/config', { version: 1, services: [{ ...rest, backends }] })).statusCode).toBe(200);
  expect(t.engine.config.services[0]).toMatchObject({ proxyProtocol: 'off', acceptProxyProtocol: null });
  expect(t.engine.config.services[0]!.backends.map((b) => b.proxyProtocol)).toEqual([null, null]);
});

it('relays the decoded client in the header each backend expects, and a PATCH changes new connections live', async () => {
  expect(await viaHeader('203.0.113.5', 4000)).toBe('ok');
  expect(received.get(backendA.port)).toEqual([`PROXY TCP4 203.0.113.5 127.0.0.1 4000 ${port}\r\nhi`]);
  // The backend's own setting removed: it takes the service's (v2).
  const a = service.backends[0]!;
  const res = await api(t.app, 'PATCH', `/api/services/${service.id}/backends/${a.id}`, { proxyProtocol: null });
  expect(res.statusCode).toBe(200);
  expect(res.json<BackendDto>().proxyProtocol).toBeNull();
  expect(await viaHeader('203.0.113.6', 4001)).toBe('ok');
  const second = Buffer.from(received.get(backendA.port)![1]!, 'latin1');
  expect(second.subarray(0, 12).equals(Buffer.from('0d0a0d0a000d0a515549540a', 'hex'))).toBe(true);
  expect([...second.subarray(12, 14)]).toEqual([0x21, 0x11]);
  expect([...second.subarray(16, 20)]).toEqual([203, 0, 113, 6]);
  expect(second.subarray(28).toString()).toBe('hi');
});

it('counts malformed headers and untrusted peers in /api/stats and /metrics', async () => {
  expect(await viaHeader('', 0, 'PROXY TCP4 nonsense\r\nhi')).toBe('');
  const patched = await api(t.app, 'PATCH', `/api/services/${service.id}`, { acceptProxyProtocol: { from: ['10.0.0.0/8'] } });
  expect(patched.statusCode).toBe(200);
  expect(await viaHeader('203.0.113.5', 4000)).toBe('');
  const s = await eventually(async () => {
    const now = (await api(t.app, 'GET', '/api/stats')).json<StatsDto>().services[0]!;
    return now.rejectedByReason['proxy-invalid'] === 1 && now.rejectedByReason['proxy-untrusted'] === 1 ? now : null;
  });
  expect(s.rejectedByReason).toEqual({ ...noRejections(), 'proxy-untrusted': 1, 'proxy-invalid': 1 });
  const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(metrics.body).toContain('fulcrum_service_accept_rejected_total{service="db",reason="proxy-invalid"} 1');
  expect(metrics.body).toContain('fulcrum_service_accept_rejected_total{service="db",reason="proxy-untrusted"} 1');
  expect(metrics.body).toContain('fulcrum_service_accept_rejected_total{service="db",reason="proxy-timeout"} 0');
  expect(received.size).toBe(0);
});

it.each([
  ['an unknown service proxyProtocol', { proxyProtocol: 'v3' }, 'proxyProtocol', 'VALIDATION_ERROR'],
  ['a malformed acceptProxyProtocol.from entry', { acceptProxyProtocol: { from: ['127.0.0.0/8', 'nope'] } }, 'acceptProxyProtocol.from[1]', 'INVALID_CIDR'],
  ['an acceptProxyProtocol.from prefix out of range', { acceptProxyProtocol: { from: ['10.0.0.0/40'] } }, 'acceptProxyProtocol.from[0]', 'INVALID_CIDR'],
  ['an empty acceptProxyProtocol.from', { acceptProxyProtocol: { from: [] } }, 'acceptProxyProtocol.from', 'VALIDATION_ERROR'],
])('PATCH with %s → 400 naming the field, nothing changed', async (_what, body, field, code) => {
  await expectRefused(t, 'PATCH', `/api/services/${service.id}`, body, { code, field });
});

it('an unknown backend proxyProtocol → 400 naming the field, nothing changed', async () => {
  const before = untouched(t);
  const res = await api(t.app, 'PATCH', `/api/services/${service.id}/backends/${service.backends[0]!.id}`, { proxyProtocol: 'v3' });
  expect(res.statusCode).toBe(400);
  expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'proxyProtocol' });
  expect(untouched(t)).toEqual(before);
  const created = await api(t.app, 'POST', `/api/services/${service.id}/backends`, { address: '127.0.0.1:1', proxyProtocol: 'V1' });
  expect(created.statusCode).toBe(400);
  expect(created.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'proxyProtocol' });
  expect(untouched(t)).toEqual(before);
});
