// End to end through the admin: create a service over the API, proxy real TCP clients to real
// echo backends, and watch /api/stats count them.
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { TcpServer, TestApp } from './helpers.ts';
import { api, eventually, freePort, startApp, startEchoServer, tcpRoundTrip } from './helpers.ts';

let t: TestApp;
let echoes: TcpServer[];

beforeEach(async () => {
  t = await startApp();
  echoes = [await startEchoServer(), await startEchoServer()];
});

afterEach(async () => {
  await t.close();
  await Promise.all(echoes.map((e) => e.close()));
});

it('proxies bytes both ways and the stats move', async () => {
  const listenPort = await freePort();
  const created = await api(t.app, 'POST', '/api/services', {
    name: 'echo',
    listen: `127.0.0.1:${listenPort}`,
    strategy: 'round-robin',
    healthCheck: { type: 'none' },
    backends: echoes.map((e) => ({ address: `127.0.0.1:${e.port}` })),
  });
  expect(created.statusCode).toBe(201);
  const service = created.json<ServiceDto>();

  const payload = Buffer.alloc(64 * 1024, 7);
  payload.write('hello fulcrum');
  for (let i = 0; i < 4; i++) {
    const echoed = await tcpRoundTrip(listenPort, payload);
    expect(echoed.equals(payload)).toBe(true);
  }
  // Round robin over two backends: both saw traffic.
  expect(echoes.map((e) => e.accepted)).toEqual([2, 2]);

  const stats = await eventually(async () => {
    const s = (await api(t.app, 'GET', '/api/stats')).json<StatsDto>();
    const svc = s.services[0];
    return svc && svc.total === 4 && svc.active === 0 ? s : undefined;
  });
  const svc = stats.services[0]!;
  expect(svc).toMatchObject({ id: service.id, name: 'echo', listen: `127.0.0.1:${listenPort}`, rejected: 0 });
  expect(svc.bytesIn).toBe(4 * payload.length);
  expect(svc.bytesOut).toBe(4 * payload.length);
  expect(svc.backends.map((b) => b.id)).toEqual(service.backends.map((b) => b.id));
  expect(svc.backends.map((b) => b.total)).toEqual([2, 2]);
  expect(svc.backends[0]).toMatchObject({ address: `127.0.0.1:${echoes[0]!.port}`, state: 'enabled', removed: false });
});

it('draining a backend over the API keeps its established connection open', async () => {
  const listenPort = await freePort();
  const service = (
    await api(t.app, 'POST', '/api/services', {
      name: 'drain',
      listen: `127.0.0.1:${listenPort}`,
      healthCheck: { type: 'none' },
      backends: [{ address: `127.0.0.1:${echoes[0]!.port}` }, { address: `127.0.0.1:${echoes[1]!.port}` }],
    })
  ).json<ServiceDto>();

  // A long-lived client on the first backend.
  const client = net.connect(listenPort, '127.0.0.1');
  await once(client, 'connect');
  await eventually(() => echoes[0]!.accepted === 1);

  const drained = await api(t.app, 'PATCH', `/api/services/${service.id}/backends/${service.backends[0]!.id}`, { state: 'draining' });
  expect(drained.statusCode).toBe(200);

  // The established connection still echoes…
  client.write('still here');
  const [reply] = (await once(client, 'data')) as [Buffer];
  expect(String(reply)).toBe('still here');
  // …and new connections go to the other backend only.
  for (let i = 0; i < 3; i++) await tcpRoundTrip(listenPort, 'x');
  expect(echoes.map((e) => e.accepted)).toEqual([1, 3]);
  const stats = (await api(t.app, 'GET', '/api/stats')).json<StatsDto>();
  expect(stats.services[0]?.backends[0]).toMatchObject({ state: 'draining', active: 1 });
  client.destroy();
});
