// The live connection list against real sockets: addresses, backends, bytes each way, states,
// pages, and closing one connection or every connection of one backend.
import { afterEach, describe, expect, it } from 'vitest';
import type net from 'node:net';
import { once } from 'node:events';
import type { ConnectionDto } from '@fulcrum/shared/connections';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { backend, config, connect, nextData, service, startServer, waitFor, type TestServer } from './helpers.ts';

/** Echoes every chunk and never ends on the client's FIN, so a half-close stays visible. */
const startHolder = (): Promise<TestServer> => startServer((s) => s.on('data', (d) => s.write(d)), { allowHalfOpen: true });

describe('connection list', () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setup(over: Parameters<typeof service>[1] = {}, backendOver: Parameters<typeof backend>[1] = {}) {
    const a = await startHolder();
    const b = await startHolder();
    cleanup.push(() => a.close(), () => b.close());
    const ba = backend(a.port, backendOver);
    const bb = backend(b.port, backendOver);
    const svc = service([ba, bb], over);
    const lb = createLoadBalancer();
    cleanup.push(() => lb.close());
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id)!;
    const clients: net.Socket[] = [];
    const open = async (opts: { allowHalfOpen?: boolean } = {}): Promise<net.Socket> => {
      const s = await connect(port, opts);
      clients.push(s);
      cleanup.push(() => void s.destroy());
      return s;
    };
    const list = (q: Parameters<LoadBalancer['listConnections']>[1] = {}) => lb.listConnections(svc.id, q);
    return { lb, svc, ba, bb, open, list, clients, servers: { a, b } };
  }

  /** The row of client `s` (by its local port), or undefined. */
  const rowOf = (rows: ConnectionDto[], s: net.Socket) => rows.find((r) => r.client === `127.0.0.1:${s.localPort}`);

  it('lists each live connection with its client address, backend, bytes each way and state', async () => {
    const { ba, bb, open, list } = await setup();
    const clients = [await open(), await open(), await open()];
    for (const [i, s] of clients.entries()) {
      const reply = nextData(s);
      s.write('x'.repeat(10 + i));
      expect(String(await reply)).toBe('x'.repeat(10 + i));
    }
    await waitFor(() => list().connections.length === 3 && list().connections.every((r) => r.bytesOut > 0), 'three listed connections with replies');
    const rows = list().connections;
    for (const [i, s] of clients.entries()) {
      const row = rowOf(rows, s);
      expect(row, `client on port ${s.localPort}`).toBeDefined();
      expect(row!.bytesIn).toBe(10 + i);
      expect(row!.bytesOut).toBe(10 + i);
      expect(row!.state).toBe('established');
      expect(row!.ageMs).toBeGreaterThanOrEqual(0);
      expect([ba.id, bb.id]).toContain(row!.backendId);
      expect(row!.backend).toBe(row!.backendId === ba.id ? `127.0.0.1:${ba.port}` : `127.0.0.1:${bb.port}`);
    }
    // Round robin: both backends hold some.
    expect(new Set(rows.map((r) => r.backendId)).size).toBe(2);
    // The backend filter lists only that backend's connections.
    const onA = list({ backendId: ba.id }).connections;
    expect(onA.length).toBeGreaterThan(0);
    expect(onA.every((r) => r.backendId === ba.id)).toBe(true);
    expect(onA.length + list({ backendId: bb.id }).connections.length).toBe(3);
  });

  it('shows a half-closed connection after the client ends its side, and draining ones on a draining backend', async () => {
    const { lb, svc, ba, bb, open, list } = await setup();
    const half = await open({ allowHalfOpen: true });
    const other = await open();
    half.end();
    await waitFor(() => rowOf(list().connections, half)?.state === 'half-closed', 'the half-closed state');
    expect(rowOf(list().connections, other)?.state).toBe('established');
    // Drain the backend `other` is on: its connection stays, listed as draining.
    const otherBackend = rowOf(list().connections, other)!.backendId;
    const drained = { ...svc, backends: [ba, bb].map((b) => (b.id === otherBackend ? { ...b, state: 'draining' as const } : b)) };
    await lb.apply(config(drained));
    expect(rowOf(list().connections, other)?.state).toBe('draining');
    const reply = nextData(other);
    other.write('still here');
    expect(String(await reply)).toBe('still here');
  });

  it('shows a queued client while every backend is full', async () => {
    const { open, list } = await setup({ maxQueue: 5, queueTimeoutMs: 10_000 }, { maxConnections: 1 });
    await open();
    await open();
    const waiting = await open();
    await waitFor(() => rowOf(list().connections, waiting) !== undefined, 'the queued client listed');
    const row = rowOf(list().connections, waiting)!;
    expect(row.state).toBe('queued');
    expect(row.backendId).toBeNull();
    expect(row.backend).toBeNull();
  });

  it('pages are bounded and the cursor walks every connection exactly once, in id order', async () => {
    const { open, list } = await setup();
    for (let i = 0; i < 7; i++) await open();
    await waitFor(() => list().connections.length === 7, 'seven connections');
    const seen: number[] = [];
    let after: number | undefined;
    let pages = 0;
    for (;;) {
      const page = list({ limit: 3, after });
      pages++;
      expect(page.connections.length).toBeLessThanOrEqual(3);
      seen.push(...page.connections.map((r) => r.id));
      if (page.next === null) break;
      expect(page.next).toBe(page.connections.at(-1)!.id);
      after = page.next;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(new Set(seen).size).toBe(7);
    expect(seen).toEqual(list().connections.map((r) => r.id));
    // The limit is clamped to the shared bounds.
    expect(list({ limit: 0 }).connections.length).toBe(1);
  });

  it('closes one connection: its client sees the close, the others keep working', async () => {
    const { lb, svc, open, list } = await setup();
    const victim = await open();
    const others = [await open(), await open()];
    await waitFor(() => list().connections.length === 3, 'three connections');
    const id = rowOf(list().connections, victim)!.id;
    const closed = once(victim, 'close');
    expect(lb.closeConnection(svc.id, id)).toBe(true);
    await closed;
    await waitFor(() => list().connections.length === 2, 'the closed one gone from the list');
    expect(rowOf(list().connections, victim)).toBeUndefined();
    for (const s of others) {
      const reply = nextData(s);
      s.write('ping');
      expect(String(await reply)).toBe('ping');
    }
    expect(lb.closeConnection(svc.id, id)).toBe(false);
    expect(lb.closeConnection(svc.id + 1000, id)).toBe(false);
  });

  it("closes every connection of one backend and only that backend's", async () => {
    const { lb, svc, ba, open, list } = await setup();
    const clients = [await open(), await open(), await open(), await open()];
    await waitFor(() => list().connections.length === 4, 'four connections');
    const rows = list().connections;
    const onA = clients.filter((s) => rowOf(rows, s)!.backendId === ba.id);
    const elsewhere = clients.filter((s) => !onA.includes(s));
    expect(onA.length).toBe(2);
    const closes = onA.map((s) => once(s, 'close'));
    expect(lb.closeBackendConnections(svc.id, ba.id)).toBe(2);
    await Promise.all(closes);
    for (const s of elsewhere) {
      const reply = nextData(s);
      s.write('pong');
      expect(String(await reply)).toBe('pong');
    }
    await waitFor(() => list({ backendId: ba.id }).connections.length === 0, "backend A's list empty");
    expect(list().connections.length).toBe(2);
  });

  it('numbers connections from connectionIdBase', async () => {
    const a = await startHolder();
    cleanup.push(() => a.close());
    const svc = service([backend(a.port)]);
    const lb = createLoadBalancer({ connectionIdBase: 3e12 });
    cleanup.push(() => lb.close());
    await lb.apply(config(svc));
    const s = await connect(lb.listenPort(svc.id)!);
    cleanup.push(() => void s.destroy());
    await waitFor(() => lb.listConnections(svc.id).connections.length === 1, 'one connection');
    expect(lb.listConnections(svc.id).connections[0]!.id).toBe(3e12 + 1);
  });
});
