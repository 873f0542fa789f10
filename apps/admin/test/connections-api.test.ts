// GET /api/services/:id/connections, DELETE …/connections/:connectionId and POST
// …/backends/:backendId/close-connections against a real engine, real backends and real clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import type { ApiErrorBody, EventDto, ServiceDto } from '@fulcrum/shared/api';
import type { ConnectionDto, ConnectionPageDto } from '@fulcrum/shared/connections';
import type { TcpServer, TestApp } from './helpers.ts';
import { api, eventually, freePort, startApp, startTcpServer } from './helpers.ts';

let t: TestApp;
let service: ServiceDto;
const backends: TcpServer[] = [];
const clients: net.Socket[] = [];

/** A client of the service that has had one echo back: connected through to a backend. */
async function client(payload: string, opts: { allowHalfOpen?: boolean } = {}): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port: Number(service.listen.split(':')[1]), allowHalfOpen: opts.allowHalfOpen ?? false });
  s.on('error', () => {});
  clients.push(s);
  await once(s, 'connect');
  await echo(s, payload);
  return s;
}

async function echo(s: net.Socket, payload: string): Promise<void> {
  let got = '';
  const done = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      got += String(d);
      if (got.length >= payload.length) {
        s.off('data', onData);
        resolve();
      }
    };
    s.on('data', onData);
    s.once('close', () => reject(new Error('closed before the echo')));
  });
  s.write(payload);
  await done;
  expect(got).toBe(payload);
}

const list = async (query = ''): Promise<ConnectionPageDto> => {
  const res = await api(t.app, 'GET', `/api/services/${service.id}/connections${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ConnectionPageDto>();
};
const rowOf = (rows: ConnectionDto[], s: net.Socket) => rows.find((r) => r.client === `127.0.0.1:${s.localPort}`);

beforeAll(async () => {
  t = await startApp();
  // Echo every chunk and answer the client's FIN with ours, except for a client that sent `hold`
  // first: its half-close stays visible.
  for (let i = 0; i < 2; i++) {
    backends.push(
      await startTcpServer((s) => {
        let hold = false;
        s.on('data', (d) => {
          hold ||= String(d).startsWith('hold');
          s.write(d);
        });
        s.on('end', () => {
          if (!hold) s.end();
        });
      }),
    );
  }
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'conns',
    listen: `127.0.0.1:${await freePort()}`,
    healthCheck: { type: 'none' },
    backends: backends.map((b) => ({ address: `127.0.0.1:${b.port}` })),
  });
  expect(res.statusCode, res.body).toBe(201);
  service = res.json<ServiceDto>();
});

afterAll(async () => {
  for (const s of clients) s.destroy();
  await t?.close();
  await Promise.all(backends.map((b) => b.close()));
});

describe('connection list API', () => {
  it('lists every connection with client address, backend, bytes each way and state, a bounded page at a time', async () => {
    const socks = [await client('a'.repeat(11)), await client('b'.repeat(12)), await client('c'.repeat(13))];
    const page = await eventually(async () => {
      const p = await list();
      return p.connections.length === 3 && p.connections.every((r) => r.bytesOut > 0) ? p : undefined;
    });
    for (const [i, s] of socks.entries()) {
      const row = rowOf(page.connections, s)!;
      expect(row, `client :${s.localPort}`).toBeDefined();
      expect(row).toMatchObject({ bytesIn: 11 + i, bytesOut: 11 + i, state: 'established' });
      const b = service.backends.find((x) => x.id === row.backendId)!;
      expect(row.backend).toBe(b.address);
    }
    // Pages of 2: the cursor walks all three exactly once.
    const first = await list('?limit=2');
    expect(first.connections.length).toBe(2);
    expect(first.next).toBe(first.connections[1]!.id);
    const second = await list(`?limit=2&after=${first.next}`);
    expect(second.next).toBeNull();
    expect([...first.connections, ...second.connections].map((r) => r.id)).toEqual(page.connections.map((r) => r.id));
    // One backend only.
    const onFirst = await list(`?backendId=${service.backends[0]!.id}`);
    expect(onFirst.connections.every((r) => r.backendId === service.backends[0]!.id)).toBe(true);
    expect(onFirst.connections.length + (await list(`?backendId=${service.backends[1]!.id}`)).connections.length).toBe(3);
    for (const s of socks) s.destroy();
    await eventually(async () => ((await list()).connections.length === 0 ? true : undefined));
  });

  it('closes one connection: its client sees the close, the others keep working; audited', async () => {
    const victim = await client('v');
    const others = [await client('o1'), await client('o2')];
    const row = await eventually(async () => rowOf((await list()).connections, victim));
    const victimPort = victim.localPort;
    const closed = once(victim, 'close');
    const res = await api(t.app, 'DELETE', `/api/services/${service.id}/connections/${row.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ closed: 1 });
    await closed;
    for (const s of others) await echo(s, 'still');
    const events = (await api(t.app, 'GET', '/api/events?kind=connection-closed')).json<{ events: EventDto[] }>().events;
    expect(events[0]).toMatchObject({ kind: 'connection-closed', actor: 'admin', serviceId: service.id, backendId: row.backendId });
    expect(events[0]!.message).toContain(`127.0.0.1:${victimPort}`);
    expect(events[0]!.details).toMatchObject({ connectionId: row.id, client: `127.0.0.1:${victimPort}` });
    // Gone now: 404 with the usual code, and no second audit row.
    const again = await api(t.app, 'DELETE', `/api/services/${service.id}/connections/${row.id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json<ApiErrorBody>().code).toBe('NOT_FOUND');
    expect((await api(t.app, 'GET', '/api/events?kind=connection-closed')).json<{ events: EventDto[] }>().events.length).toBe(1);
    for (const s of others) s.destroy();
    await eventually(async () => ((await list()).connections.length === 0 ? true : undefined));
  });

  it("closes every connection of one backend and only that backend's; audited with the count", async () => {
    const socks: net.Socket[] = [];
    for (let i = 0; i < 4; i++) socks.push(await client(`c${i}`));
    const rows = await eventually(async () => {
      const p = await list();
      return socks.every((s) => rowOf(p.connections, s) !== undefined) ? p.connections : undefined;
    });
    const target = service.backends[0]!;
    const onTarget = socks.filter((s) => rowOf(rows, s)!.backendId === target.id);
    const elsewhere = socks.filter((s) => !onTarget.includes(s));
    expect(onTarget.length).toBeGreaterThan(0);
    expect(elsewhere.length).toBeGreaterThan(0);
    const closes = onTarget.map((s) => once(s, 'close'));
    const res = await api(t.app, 'POST', `/api/services/${service.id}/backends/${target.id}/close-connections`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ closed: onTarget.length });
    await Promise.all(closes);
    for (const s of elsewhere) await echo(s, 'alive');
    const events = (await api(t.app, 'GET', '/api/events?kind=backend-connections-closed')).json<{ events: EventDto[] }>().events;
    expect(events[0]).toMatchObject({ actor: 'admin', serviceId: service.id, backendId: target.id, details: { closed: onTarget.length, backend: target.address } });
    for (const s of elsewhere) s.destroy();
  });

  it('unknown service, backend or connection → 404; bad ids and limits → 400 naming the field; no token → 401', async () => {
    const cases: [string, string, number, string?][] = [
      ['GET', '/api/services/999/connections', 404],
      ['GET', `/api/services/${service.id}/connections?backendId=999`, 404],
      ['DELETE', `/api/services/${service.id}/connections/424242`, 404],
      ['POST', `/api/services/${service.id}/backends/999/close-connections`, 404],
      ['GET', `/api/services/${service.id}/connections?limit=501`, 400, 'limit'],
      ['GET', `/api/services/${service.id}/connections?limit=0`, 400, 'limit'],
      ['GET', `/api/services/${service.id}/connections?after=1e3`, 400, 'after'],
      ['GET', `/api/services/${service.id}/connections?backendId=01`, 400, 'backendId'],
      ['DELETE', `/api/services/${service.id}/connections/1.0`, 400, 'connectionId'],
      ['DELETE', `/api/services/${service.id}/connections/0x1`, 400, 'connectionId'],
      ['POST', `/api/services/${service.id}/backends/1e0/close-connections`, 400, 'backendId'],
    ];
    for (const [method, url, status, field] of cases) {
      const res = await api(t.app, method as 'GET', url);
      expect(res.statusCode, `${method} ${url} → ${res.body}`).toBe(status);
      if (field !== undefined) expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field });
      else expect(res.json<ApiErrorBody>().code).toBe('NOT_FOUND');
    }
    const anonymous = await t.app.inject({ method: 'POST', url: `/api/services/${service.id}/backends/${service.backends[0]!.id}/close-connections` });
    expect(anonymous.statusCode).toBe(401);
  });
  // Last: its backend never closes, so the connection lingers after the client is gone.
  it('shows a half-closed connection after the client ends its side', async () => {
    const s = await client('hold', { allowHalfOpen: true });
    s.end();
    await eventually(async () => (rowOf((await list()).connections, s)?.state === 'half-closed' ? true : undefined));
    s.destroy();
  });

});
