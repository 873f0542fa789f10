// `fulcrum --workers 2`: maxConnectionLifetimeMs and a rebalance act in every worker (each on its
// own connections); the admin logs one rebalance-started and one rebalance-ended for the whole
// (connections and closes summed over the workers), and the merged stats count every close.
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventDto } from '@fulcrum/shared/api';
import { eventually, startTcpServer } from '../helpers.ts';
import type { TcpServer } from '../helpers.ts';
import { cleanup, createService, onCleanup, startFulcrum } from './harness.ts';
import type { Fulcrum } from './harness.ts';

let f: Fulcrum;
let backend: TcpServer;
let held = 0;

beforeAll(async () => {
  backend = await startTcpServer((s) => {
    held++;
    s.on('close', () => held--);
    s.pipe(s);
  });
  onCleanup(() => backend.close());
  f = await startFulcrum({ workers: 2 });
}, 60_000);

afterAll(cleanup);

/** `n` relaying connections; each resolves `closed` with hadError once the balancer's FIN closed it. */
async function pool(port: number, n: number): Promise<Promise<boolean>[]> {
  const closed: Promise<boolean>[] = [];
  for (let i = 0; i < n; i++) {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    onCleanup(() => s.destroy());
    s.on('end', () => s.end());
    closed.push(once(s, 'close').then(([hadError]) => hadError as boolean));
    await once(s, 'connect');
    s.write('x');
    await once(s, 'data');
  }
  return closed;
}

it('a rebalance reaches every worker: all connections end gracefully, one start and one end event, merged counts', async () => {
  const { service, port } = await createService(f, [backend.port]);
  const backendId = service.backends[0]!.id;
  const closed = await pool(port, 20);
  expect(held).toBe(20);
  // Wait until both workers' batches show the 20 connections, so the merged counts below are whole.
  await eventually(async () => (await f.stats()).services.find((x) => x.id === service.id)?.active === 20, 20_000);
  const res = await f.api<{ connections: number | null }>('POST', `/api/services/${service.id}/backends/${backendId}/rebalance`, { windowMs: 2000 });
  expect(res.status).toBe(202);
  expect(res.body.connections).toBeNull();
  expect(await Promise.all(closed)).toEqual(closed.map(() => false));
  const events = await eventually(async () => {
    const page = (await f.api<{ events: EventDto[] }>('GET', `/api/events?serviceId=${service.id}&limit=100`)).body.events;
    return page.some((e) => e.kind === 'rebalance-ended') ? page : undefined;
  }, 20_000);
  expect(events.filter((e) => e.kind === 'rebalance-started')).toHaveLength(1);
  expect(events.filter((e) => e.kind === 'rebalance-ended')).toHaveLength(1);
  expect(events.find((e) => e.kind === 'rebalance-started')?.details).toMatchObject({ connections: 20, windowMs: 2000 });
  expect(events.find((e) => e.kind === 'rebalance-ended')?.details).toMatchObject({ closed: 20, outcome: 'done' });
  expect(events.filter((e) => e.kind === 'backend-rebalanced')).toHaveLength(1);
  await eventually(async () => (await f.stats()).services.find((x) => x.id === service.id)?.backends[0]?.closedByRebalance === 20, 20_000);
}, 60_000);

it('maxConnectionLifetimeMs ends the connections of every worker; the merged stats count them', async () => {
  const { service, port } = await createService(f, [backend.port]);
  const closed = await pool(port, 10);
  expect((await f.api('PATCH', `/api/services/${service.id}`, { maxConnectionLifetimeMs: 1000 })).status).toBe(200);
  expect(await Promise.all(closed)).toEqual(closed.map(() => false));
  await eventually(async () => (await f.stats()).services.find((x) => x.id === service.id)?.backends[0]?.closedByLifetime === 10, 20_000);
}, 60_000);
