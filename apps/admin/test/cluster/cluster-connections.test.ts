// The connection list with --workers 2: every worker's connections are listed (ids carry the
// worker), pages walk them all once, and closing reaches the worker that holds the connection.
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConnectionDto, ConnectionPageDto } from '@fulcrum/shared/connections';
import { eventually, startTcpServer } from '../helpers.ts';
import { workerOfConnection } from '../../src/cluster/connection-pages.ts';
import { cleanup, createService, onCleanup, startFulcrum, type Fulcrum } from './harness.ts';

afterAll(cleanup);

let f: Fulcrum;
let serviceId: number;
let backendId: number;
let port: number;
const clients: net.Socket[] = [];

beforeAll(async () => {
  f = await startFulcrum({ workers: 2 });
  // Echoes, and answers a FIN with its own so closed clients leave no lingering connection.
  const backend = await startTcpServer((s) => {
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.end());
  });
  onCleanup(() => backend.close());
  const created = await createService(f, [backend.port]);
  serviceId = created.service.id;
  backendId = created.service.backends[0]!.id;
  port = created.port;
  onCleanup(() => clients.forEach((s) => s.destroy()));
}, 90_000);

async function open(): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  clients.push(s);
  await once(s, 'connect');
  s.write('x');
  await once(s, 'data');
  return s;
}

const list = async (query = ''): Promise<ConnectionPageDto> => {
  const res = await f.api<ConnectionPageDto>('GET', `/api/services/${serviceId}/connections${query}`);
  expect(res.status).toBe(200);
  return res.body;
};
const rowOf = (rows: ConnectionDto[], s: net.Socket) => rows.find((r) => r.client === `127.0.0.1:${s.localPort}`);

it('lists the connections of both workers, pages through them once, and closes in the right worker', async () => {
  const workerIds = (await f.workers()).workers.map((w) => w.id);
  // Clients until both workers hold some (the kernel or the primary spreads them; bounded).
  let rows: ConnectionDto[] = [];
  for (let i = 0; i < 60; i++) {
    await open();
    if (clients.length < 6) continue;
    rows = (await list('?limit=500')).connections;
    if (new Set(rows.map((r) => workerOfConnection(r.id))).size >= 2) break;
  }
  rows = await eventually(async () => {
    const r = (await list('?limit=500')).connections;
    return clients.every((s) => rowOf(r, s) !== undefined) ? r : undefined;
  });
  expect(rows.length).toBe(clients.length);
  const holders = new Set(rows.map((r) => workerOfConnection(r.id)));
  expect(holders.size).toBe(2);
  for (const w of holders) expect(workerIds).toContain(w);
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  for (const r of rows) expect(r).toMatchObject({ backendId, state: 'established', bytesIn: 1, bytesOut: 1 });

  // Pages of 4 walk every connection exactly once, in id order.
  const seen: number[] = [];
  let after = 0;
  for (let pages = 0; pages < 100; pages++) {
    const page = await list(`?limit=4&after=${after}`);
    expect(page.connections.length).toBeLessThanOrEqual(4);
    seen.push(...page.connections.map((r) => r.id));
    if (page.next === null) break;
    after = page.next;
  }
  expect(seen).toEqual(rows.map((r) => r.id));

  // Close one held by each worker: each client sees it, the rest keep working.
  const victims = [...holders].map((w) => clients.find((s) => workerOfConnection(rowOf(rows, s)!.id) === w)!);
  for (const victim of victims) {
    const closed = once(victim, 'close');
    const res = await f.api('DELETE', `/api/services/${serviceId}/connections/${rowOf(rows, victim)!.id}`);
    expect(res.status).toBe(200);
    await closed;
  }
  const rest = clients.filter((s) => !victims.includes(s));
  for (const s of rest) {
    const echoed = once(s, 'data');
    s.write('y');
    expect(String((await echoed)[0])).toBe('y');
  }

  // Close all on the backend: every remaining client, in both workers.
  const closes = rest.map((s) => once(s, 'close'));
  const res = await f.api<{ closed: number }>('POST', `/api/services/${serviceId}/backends/${backendId}/close-connections`);
  expect(res.status).toBe(200);
  expect(res.body.closed).toBe(rest.length);
  await Promise.all(closes);
  await eventually(async () => ((await list()).connections.length === 0 ? true : undefined));
}, 120_000);
