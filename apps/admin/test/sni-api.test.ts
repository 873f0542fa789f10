// TLS SNI routing through the admin (README "TLS SNI routing"): several services on one listen
// address, each naming its server names, plus a default route; real TLS end to end (openssl
// s_server backends with their own certificates, openssl s_client clients). Validated (400/409
// naming the field, nothing changed), persisted, exported/imported, changed live without
// dropping an established connection, and counted in /api/stats and /metrics.
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { ApiErrorBody, ConfigDocument, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { TOKEN, api, eventually, freePort, startApp, untouched } from './helpers.ts';
import { makeCerts, startTlsBackend, tlsClient, type CertDir, type TlsBackend } from '../../../packages/engine/test/openssl-tls.ts';

const NAMES = ['db1.example.com', 'cache.example.com', 'default.example.com'] as const;
let certs: CertDir;
const tls = new Map<string, TlsBackend>();
let t: TestApp;
let port: number;
const ids: Record<string, number> = {};

beforeAll(async () => {
  certs = await makeCerts([...NAMES]);
  for (const cn of NAMES) tls.set(cn, await startTlsBackend(certs.cert(cn)));
}, 30_000);
afterAll(async () => {
  for (const b of tls.values()) await b.stop();
  await certs?.remove();
});

const backendOf = (cn: string): { address: string }[] => [{ address: `127.0.0.1:${(tls.get(cn) as TlsBackend).port}` }];

beforeEach(async () => {
  t = await startApp();
  port = await freePort();
  const listen = `127.0.0.1:${port}`;
  for (const [name, cn, sni] of [['db1', 'db1.example.com', ['db1.example.com']], ['cache', 'cache.example.com', ['*.cache.example.com']], ['default', 'default.example.com', undefined]] as const) {
    const res = await api(t.app, 'POST', '/api/services', { name, listen, healthCheck: { type: 'none' }, backends: backendOf(cn), ...(sni ? { sni } : {}) });
    expect(res.statusCode, res.body).toBe(201);
    ids[name] = res.json<ServiceDto>().id;
  }
});
afterEach(async () => {
  await t.close();
});

async function land(serverName: string | null): Promise<string> {
  const c = tlsClient(port, serverName);
  try {
    const subject = await c.subject();
    expect(await c.roundTrip('abc')).toBe('cba');
    return subject;
  } finally {
    await c.close();
  }
}

it('routes each client to the service of its server name through one address, and answers sni', async () => {
  expect(await land('db1.example.com')).toBe('CN = db1.example.com');
  expect(await land('node3.cache.example.com')).toBe('CN = cache.example.com');
  expect(await land(null)).toBe('CN = default.example.com');
  const services = (await api(t.app, 'GET', '/api/services')).json<ServiceDto[]>();
  expect(services.map((s) => [s.name, s.listen, s.sni])).toEqual([
    ['db1', `127.0.0.1:${port}`, ['db1.example.com']],
    ['cache', `127.0.0.1:${port}`, ['*.cache.example.com']],
    ['default', `127.0.0.1:${port}`, null],
  ]);
});

it('persists, exports and imports sni', async () => {
  expect(t.store.readServices().map((s) => s.sni)).toEqual([['db1.example.com'], ['*.cache.example.com'], null]);
  const doc = (await api(t.app, 'GET', '/api/config?format=json')).json<ConfigDocument>();
  expect(doc.services.map((s) => s.sni)).toEqual([['db1.example.com'], ['*.cache.example.com'], null]);
  // Imported back unchanged; then a document that renames db1's name is applied to the engine.
  expect((await api(t.app, 'PUT', '/api/config', doc)).statusCode).toBe(200);
  const renamed = { ...doc, services: doc.services.map((s) => (s.name === 'db1' ? { ...s, sni: ['db2.example.com'] } : s)) };
  expect((await api(t.app, 'PUT', '/api/config', renamed)).statusCode).toBe(200);
  expect(t.engine.config.services.map((s) => s.sni)).toEqual([['db2.example.com'], ['*.cache.example.com'], null]);
  expect(await land('db2.example.com')).toBe('CN = db1.example.com');
  // A document where two entries route one name is refused, naming the entry; nothing changed.
  const before = untouched(t);
  const clash = { ...doc, services: doc.services.map((s) => (s.name === 'cache' ? { ...s, sni: ['x.example.com', 'DB1.example.com'] } : s)) };
  const res = await api(t.app, 'PUT', '/api/config', clash);
  expect(res.statusCode).toBe(409);
  expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'SNI_CONFLICT', field: 'services[1].sni[1]' });
  expect(untouched(t)).toEqual(before);
  // So is one where the default route of the shared address accepts PROXY headers.
  const proxied = { ...doc, services: doc.services.map((s) => (s.name === 'default' ? { ...s, acceptProxyProtocol: { from: ['127.0.0.1/32'] } } : s)) };
  const refused = await api(t.app, 'PUT', '/api/config', proxied);
  expect(refused.statusCode).toBe(409);
  expect(refused.json<ApiErrorBody>()).toMatchObject({ code: 'SNI_CONFLICT', field: 'services[2].acceptProxyProtocol' });
  expect(untouched(t)).toEqual(before);
});

it('an address accepting PROXY headers cannot be routed by SNI, even by its only service', async () => {
  const listen = `127.0.0.1:${await freePort()}`;
  const proxy = { acceptProxyProtocol: { from: ['127.0.0.1/32'] } };
  const lone = await api(t.app, 'POST', '/api/services', { name: 'lone', listen, healthCheck: { type: 'none' }, sni: ['lone.example.com'], ...proxy });
  expect(lone.statusCode, lone.body).toBe(409);
  expect(lone.json<ApiErrorBody>()).toMatchObject({ code: 'SNI_CONFLICT', field: 'acceptProxyProtocol' });
  const plain = await api(t.app, 'POST', '/api/services', { name: 'proxied', listen, healthCheck: { type: 'none' }, ...proxy });
  expect(plain.statusCode, plain.body).toBe(201);
  const before = untouched(t);
  // A routed service joining it: the one being added names sni.
  const joining = await api(t.app, 'POST', '/api/services', { name: 'joining', listen, healthCheck: { type: 'none' }, sni: ['j.example.com'] });
  expect(joining.statusCode, joining.body).toBe(409);
  expect(joining.json<ApiErrorBody>()).toMatchObject({ code: 'SNI_CONFLICT', field: 'sni' });
  expect(untouched(t)).toEqual(before);
});

it.each([
  ['a name another service on the address routes', 'POST', { sni: ['DB1.Example.com'] }, 409, 'SNI_CONFLICT', 'sni[0]'],
  ['a second default route', 'POST', {}, 409, 'SNI_CONFLICT', 'sni'],
  ['a bad name', 'POST', { sni: ['ok.example.com', 'bad_name!.example.com'] }, 400, 'INVALID_SNI', 'sni[1]'],
  ['a wildcard in the middle', 'POST', { sni: ['a.*.example.com'] }, 400, 'INVALID_SNI', 'sni[0]'],
  ['a non-ASCII name (not an A-label)', 'POST', { sni: ['bücher.example'] }, 400, 'INVALID_SNI', 'sni[0]'],
  ['an empty list', 'POST', { sni: [] }, 400, 'INVALID_SNI', 'sni'],
  ['db1 without sni (a second default route)', 'PATCH db1', { sni: null }, 409, 'SNI_CONFLICT', 'sni'],
  ['cache taking db1\'s name', 'PATCH cache', { sni: ['db1.example.com'] }, 409, 'SNI_CONFLICT', 'sni[0]'],
  // The SNI peek reads the first bytes as a ClientHello: no PROXY header on an SNI-routed address.
  ['a routed service accepting PROXY headers', 'POST', { sni: ['p.example.com'], acceptProxyProtocol: { from: ['127.0.0.1/32'] } }, 409, 'SNI_CONFLICT', 'acceptProxyProtocol'],
  ['the default route accepting PROXY headers', 'PATCH default', { acceptProxyProtocol: { from: ['127.0.0.1/32'] } }, 409, 'SNI_CONFLICT', 'acceptProxyProtocol'],
] as const)('%s → 4xx naming the field, nothing changed', async (_what, how, body, status, code, field) => {
  const before = untouched(t);
  const res = how === 'POST'
    ? await api(t.app, 'POST', '/api/services', { name: 'extra', listen: `127.0.0.1:${port}`, healthCheck: { type: 'none' }, ...body })
    : await api(t.app, 'PATCH', `/api/services/${ids[how.slice(6)]}`, body);
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json<ApiErrorBody>()).toMatchObject({ code, field });
  expect(untouched(t)).toEqual(before);
});

it('closes and counts a malformed ClientHello on every service of the address (/api/stats, /metrics)', async () => {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await once(s, 'connect');
  s.write(Buffer.from([22, 3, 1, 0, 6, 2, 0, 0, 2, 0xff, 0xff]));
  await once(s, 'close');
  await eventually(async () => {
    const stats = (await api(t.app, 'GET', '/api/stats')).json<StatsDto>();
    return stats.services.every((x) => x.rejectedByReason.sniMalformed === 1) ? stats : null;
  });
  const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(metrics.body).toContain('fulcrum_service_accept_rejected_total{service="db1",reason="sniMalformed"} 1');
});

it('live: adding, renaming and removing SNI services keeps an established connection to another one', async () => {
  const kept = tlsClient(port, 'a.cache.example.com');
  try {
    expect(await kept.subject()).toBe('CN = cache.example.com');
    expect(await kept.roundTrip('one')).toBe('eno');
    expect((await api(t.app, 'PATCH', `/api/services/${ids.db1}`, { sni: ['db9.example.com'] })).statusCode).toBe(200);
    expect(await land('db1.example.com')).toBe('CN = default.example.com');
    expect((await api(t.app, 'DELETE', `/api/services/${ids.default}`)).statusCode).toBe(204);
    const added = await api(t.app, 'POST', '/api/services', { name: 'db1b', listen: `127.0.0.1:${port}`, sni: ['db1.example.com'], healthCheck: { type: 'none' }, backends: backendOf('default.example.com') });
    expect(added.statusCode).toBe(201);
    expect(await land('db1.example.com')).toBe('CN = default.example.com');
    expect(await kept.roundTrip('two')).toBe('owt');
  } finally {
    await kept.close();
  }
});
