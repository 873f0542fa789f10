// GET /api/cluster on a single SQLite node: the node itself alone, in step, with its live
// connections and the newest configuration version.
import net from 'node:net';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ServiceDto } from '@fulcrum/shared/api';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import type { TcpServer, TestApp } from './helpers.ts';
import { api, eventually, freePort, startEchoServer, startApp } from './helpers.ts';

let t: TestApp;
let echo: TcpServer;
const clients: net.Socket[] = [];

beforeEach(async () => {
  t = await startApp();
  echo = await startEchoServer();
});

afterEach(async () => {
  for (const socket of clients.splice(0)) socket.destroy();
  await t.close();
  await echo.close();
});

const cluster = async (): Promise<ClusterDto> => {
  const res = await api(t.app, 'GET', '/api/cluster', undefined, { host: 'fulcrum-a.test:8080' });
  expect(res.statusCode).toBe(200);
  return res.json<ClusterDto>();
};

it('answers the node itself, in step at version 0 before any change', async () => {
  expect(await cluster()).toEqual({
    version: 0,
    store: 'sqlite',
    storeError: null,
    nodes: [
      {
        name: hostname(),
        adminUrl: 'http://fulcrum-a.test:8080',
        listenHost: null,
        appliedVersion: 0,
        state: 'in-step',
        lastApplyError: null,
        lastSeen: expect.any(String),
        uptimeMs: expect.any(Number),
        activeConnections: 0,
        lag: 0,
        self: true,
        stats: { time: expect.any(Number), services: [] },
      },
    ],
  });
});

it('follows the configuration version and counts live proxied connections', async () => {
  const port = await freePort();
  const created = await api(t.app, 'POST', '/api/services', { name: 'echo', listen: `127.0.0.1:${port}`, backends: [{ address: `127.0.0.1:${echo.port}` }] });
  expect(created.statusCode).toBe(201);
  const service = created.json<ServiceDto>();
  const patch = await api(t.app, 'PATCH', `/api/services/${service.id}`, { retries: 5 });
  const patched = patch.json<ServiceDto>();
  expect(patched.version).toBeGreaterThan(service.version);
  // Every change's answer names the configuration version it produced; the cluster view runs it.
  const version = Number(patch.headers['fulcrum-config-version']);
  // ?wait=cluster on a single node: this node alone has applied it, nothing pending.
  const waited = await api(t.app, 'PATCH', `/api/services/${service.id}?wait=cluster`, { retries: 5 });
  expect(waited.headers['fulcrum-cluster-applied']).toBe(hostname());
  expect(waited.headers['fulcrum-cluster-pending']).toBe('');
  expect(version).toBe(Number(created.headers['fulcrum-config-version']) + 1);

  const first = await cluster();
  expect(first.version).toBe(version);
  expect(first.nodes[0]).toMatchObject({ appliedVersion: version, lag: 0, state: 'in-step', activeConnections: 0 });
  expect(Date.now() - Date.parse(first.nodes[0]!.lastSeen)).toBeLessThan(60_000);

  for (let i = 0; i < 2; i++) {
    const socket = net.connect({ host: '127.0.0.1', port });
    clients.push(socket);
    await once(socket, 'connect');
  }
  await eventually(async () => (await cluster()).nodes[0]?.activeConnections === 2);
  // The same counters per service and backend as a heartbeat carries them (a backend counts a
  // connection once its own connect completed, a moment after the client's).
  const stats = await eventually(async () => {
    const [s] = (await cluster()).nodes[0]!.stats!.services;
    return s?.backends[0]?.active === 2 ? s : undefined;
  });
  expect(stats).toMatchObject({ id: service.id, active: 2, backends: [{ active: 2, removed: false }] });
});

it('refuses without a token or session', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/cluster' });
  expect(res.statusCode).toBe(401);
});
