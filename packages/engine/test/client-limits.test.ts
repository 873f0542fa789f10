// `limits` at accept with real sockets: clients bound to distinct 127.x.y.z source addresses
// (the whole 127.0.0.0/8 is loopback). A refused client is closed without the backend seeing a
// connection (its accept count proves it) and counted per reason.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import type { ClientLimitsDto } from '@fulcrum/shared/api';
import { CLIENT_LIMITS_DEFAULTS } from '@fulcrum/shared/defaults';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { backend, config, connectFrom, hasIpv6Loopback, served, service, startEcho, waitFor, type TestServer } from './helpers.ts';

// An hour-long interval: no token comes back while a test runs, so the counts are exact.
const HOUR = 3_600_000;
const limits = (over: Partial<ClientLimitsDto>): ClientLimitsDto => ({ ...CLIENT_LIMITS_DEFAULTS, ...over });

describe('limits', () => {
  let lb: LoadBalancer | undefined;
  let echo: TestServer | undefined;
  const clients: net.Socket[] = [];
  afterEach(async () => {
    for (const s of clients.splice(0)) s.destroy();
    await lb?.close();
    await echo?.close();
    lb = echo = undefined;
  });

  async function start(l: ClientLimitsDto): Promise<number> {
    echo = await startEcho();
    lb = createLoadBalancer();
    const svc = service([backend(echo.port)], { limits: l });
    await lb.apply(config(svc));
    return lb.listenPort(svc.id) as number;
  }

  /** A client from `from`: whether it was served (kept open in `clients`). */
  async function client(port: number, from: string): Promise<boolean> {
    const s = await connectFrom(port, from);
    clients.push(s);
    return served(s);
  }

  it('perClientConnections: the N+1th connection of one client is closed before any backend; others are served; an ended connection frees its slot', async () => {
    const port = await start(limits({ perClientConnections: 2 }));
    expect(await client(port, '127.0.0.2')).toBe(true);
    expect(await client(port, '127.0.0.2')).toBe(true);
    expect(await client(port, '127.0.0.2')).toBe(false);
    expect(echo!.accepted).toBe(2);
    expect(await client(port, '127.0.0.3')).toBe(true);
    expect(echo!.accepted).toBe(3);
    const s = lb!.stats().services[0]!;
    expect(s.rejectedByReason).toMatchObject({ perClientConnections: 1, perClientRate: 0, serviceRate: 0, clientTableFull: 0, denied: 0 });
    expect(s.rejected).toBe(0);
    // One of 127.0.0.2's connections ends: its slot is free once the proxy has torn it down.
    clients[0]!.destroy();
    await waitFor(() => lb!.stats().services[0]!.active === 2, 'the ended connection to be released');
    expect(await client(port, '127.0.0.2')).toBe(true);
    expect(await client(port, '127.0.0.2')).toBe(false);
    expect(echo!.accepted).toBe(4);
    expect(lb!.stats().services[0]!.rejectedByReason.perClientConnections).toBe(2);
  });

  it('perClientRate: a burst of N new connections per client, then refused; another client has its own bucket', async () => {
    const port = await start(limits({ perClientRate: { connections: 3, intervalMs: HOUR } }));
    for (let i = 0; i < 3; i++) expect(await client(port, '127.0.0.2')).toBe(true);
    // Closed connections do not give tokens back: a rate, not a concurrency limit.
    for (const s of clients.splice(0)) s.destroy();
    await waitFor(() => lb!.stats().services[0]!.active === 0, 'teardown');
    expect(await client(port, '127.0.0.2')).toBe(false);
    expect(await client(port, '127.0.0.4')).toBe(true);
    expect(echo!.accepted).toBe(4);
    expect(lb!.stats().services[0]!.rejectedByReason).toMatchObject({ perClientRate: 1, perClientConnections: 0 });
  });

  it('serviceRate: N new connections for all clients together', async () => {
    const port = await start(limits({ serviceRate: { connections: 3, intervalMs: HOUR } }));
    for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) expect(await client(port, from)).toBe(true);
    expect(await client(port, '127.0.0.5')).toBe(false);
    expect(await client(port, '127.0.0.2')).toBe(false);
    expect(echo!.accepted).toBe(3);
    const s = lb!.stats().services[0]!;
    expect(s.rejectedByReason.serviceRate).toBe(2);
    // serviceRate alone keeps no per-client state.
    expect(s.clientTable).toEqual({ entries: 0, peak: 0 });
  });

  it('groups IPv6 clients by ipv6Prefix (::1)', async (ctx) => {
    if (!(await hasIpv6Loopback())) ctx.skip('no IPv6 loopback on this machine (client-key.test.ts covers the grouping)');
    echo = await startEcho();
    lb = createLoadBalancer();
    const svc = service([backend(echo.port)], { host: '::1', limits: limits({ perClientConnections: 1, ipv6Prefix: 128 }) });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const a = await connectFrom(port, '::1', '::1');
    const b = await connectFrom(port, '::1', '::1');
    clients.push(a, b);
    expect(await served(a)).toBe(true);
    expect(await served(b)).toBe(false);
    expect(lb.stats().services[0]!.rejectedByReason.perClientConnections).toBe(1);
  });

  it('a lower perClientConnections closes no established connection; it applies to new ones', async () => {
    const port = await start(limits({ perClientConnections: 3 }));
    for (let i = 0; i < 3; i++) expect(await client(port, '127.0.0.2')).toBe(true);
    const svc = lb!.config.services[0]!;
    await lb!.apply(config({ ...svc, limits: limits({ perClientConnections: 1 }) }));
    for (const s of clients) expect(await served(s)).toBe(true);
    expect(await client(port, '127.0.0.2')).toBe(false);
    // Two end: still at the new limit (1 left), so still refused; the last one ends: served again.
    clients[0]!.destroy();
    clients[1]!.destroy();
    await waitFor(() => lb!.stats().services[0]!.active === 1, 'two connections released');
    expect(await client(port, '127.0.0.2')).toBe(false);
    clients[2]!.destroy();
    await waitFor(() => lb!.stats().services[0]!.active === 0, 'the last connection released');
    expect(await client(port, '127.0.0.2')).toBe(true);
    expect(lb!.stats().services[0]!.rejectedByReason.perClientConnections).toBe(2);
  });

  it.each([
    [{ perClientConnections: 0 }, 'services[0].limits.perClientConnections'],
    [{ perClientRate: { connections: 5, intervalMs: 0 } }, 'services[0].limits.perClientRate.intervalMs'],
    [{ serviceRate: { connections: -1, intervalMs: 10 } }, 'services[0].limits.serviceRate.connections'],
    [{ ipv6Prefix: 129 }, 'services[0].limits.ipv6Prefix'],
    [{ tableSize: 1.5 }, 'services[0].limits.tableSize'],
  ])('refuses %o before anything changes', async (over, field) => {
    const port = await start(limits({ perClientConnections: 2 }));
    const svc = lb!.config.services[0]!;
    await expect(lb!.apply(config({ ...svc, limits: limits(over as Partial<ClientLimitsDto>) }))).rejects.toMatchObject({ field });
    expect(lb!.config.services[0]!.limits).toEqual(limits({ perClientConnections: 2 }));
    expect(await client(port, '127.0.0.2')).toBe(true);
  });
});

describe('the client table', () => {
  let lb: LoadBalancer | undefined;
  let echo: TestServer | undefined;
  afterEach(async () => {
    await lb?.close();
    await echo?.close();
    lb = echo = undefined;
  });

  /** The source address of distinct client `i` (1 ≤ i < 2^24 - 1): 127.x.y.z, never 127.0.0.1. */
  const source = (i: number): string => `127.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

  /** One client that connects from `from`, half-closes at once and waits for the proxy to close it (its admission is done by then). */
  function visit(port: number, from: string): Promise<void> {
    return new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port, localAddress: from });
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      s.on('connect', () => s.end());
      s.resume();
    });
  }

  it('stays within tableSize with 100 000 distinct clients, and still limits a hot client afterwards', async () => {
    const DISTINCT = 100_000;
    const TABLE = 1000;
    echo = await startEcho();
    lb = createLoadBalancer();
    const svc = service([backend(echo.port)], { limits: limits({ perClientConnections: 2, perClientRate: { connections: 3, intervalMs: HOUR }, tableSize: TABLE }) });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    let next = 2;
    let maxEntries = 0;
    // 200 clients in flight, each from its own address; the table's size is read as they go.
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        while (next < DISTINCT + 2) {
          await visit(port, source(next++));
          if (next % 500 === 0) maxEntries = Math.max(maxEntries, lb!.stats().services[0]!.clientTable.entries);
        }
      }),
    );
    const after = lb.stats().services[0]!;
    expect(after.clientTable.peak).toBe(TABLE);
    expect(maxEntries).toBeLessThanOrEqual(TABLE);
    expect(after.clientTable.entries).toBeLessThanOrEqual(TABLE);
    expect(after.rejectedByReason).toMatchObject({ clientTableFull: 0, perClientConnections: 0, perClientRate: 0 });
    expect(echo.accepted).toBe(DISTINCT);
    // A hot client after the flood: 2 at once, then refused; its third new connection is its last.
    const hot: net.Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const s = await connectFrom(port, '127.0.0.1');
        hot.push(s);
      }
      expect(await served(hot[0]!)).toBe(true);
      expect(await served(hot[1]!)).toBe(true);
      expect(await served(hot[2]!)).toBe(false);
      hot[0]!.destroy();
      await waitFor(() => lb!.stats().services[0]!.active === 1, 'a hot connection released');
      const third = await connectFrom(port, '127.0.0.1');
      hot.push(third);
      expect(await served(third)).toBe(true);
      const fourth = await connectFrom(port, '127.0.0.1');
      hot.push(fourth);
      third.destroy();
      await waitFor(() => lb!.stats().services[0]!.active === 1, 'the third released');
      const fifth = await connectFrom(port, '127.0.0.1');
      hot.push(fifth);
      expect(await served(fifth)).toBe(false);
      expect(lb.stats().services[0]!.rejectedByReason).toMatchObject({ perClientConnections: 2, perClientRate: 1 });
    } finally {
      for (const s of hot) s.destroy();
    }
  }, 120_000);
});
