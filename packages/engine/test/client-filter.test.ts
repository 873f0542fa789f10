// allow/deny at accept, with clients bound to distinct loopback source addresses: refused
// clients are closed without the backend seeing a connection, and counted.
import { noRejections } from '@fulcrum/shared/enums';
import { afterEach, describe, expect, it } from 'vitest';
import type net from 'node:net';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { backend, config, connectFrom, hasIpv6Loopback, served, service, startEcho, waitFor, type TestServer } from './helpers.ts';

// Both relays: accepting, the peer address and refusing go through the relay in use.
describe.each(['native', 'socket'] as const)('allow and deny (%s relay)', (relay) => {
  let lb: LoadBalancer | undefined;
  let echo: TestServer | undefined;
  afterEach(async () => {
    await lb?.close();
    await echo?.close();
    lb = echo = undefined;
  });

  it('serves allowed clients, closes the others at accept without touching the backend, and counts them', async () => {
    echo = await startEcho();
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port)], { allow: ['127.0.0.0/30'], deny: ['127.0.0.3'] });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const clients: net.Socket[] = [];
    try {
      for (const from of ['127.0.0.1', '127.0.0.2']) {
        const s = await connectFrom(port, from);
        clients.push(s);
        expect(await served(s), from).toBe(true);
      }
      expect(echo.accepted).toBe(2);
      for (const from of ['127.0.0.3', '127.0.0.4', '127.0.0.200']) {
        const s = await connectFrom(port, from);
        clients.push(s);
        expect(await served(s), from).toBe(false);
      }
      const stats = lb.stats().services[0]!;
      expect(stats.rejectedByReason).toEqual({ ...noRejections(), denied: 3 });
      expect(stats.total).toBe(2);
      expect(stats.rejected).toBe(0);
      // The refused clients never reached the backend (its accept count is where it was).
      expect(echo.accepted).toBe(2);
    } finally {
      for (const s of clients) s.destroy();
    }
  });

  it('matches IPv6 clients (::1)', async (ctx) => {
    if (!(await hasIpv6Loopback())) ctx.skip('no IPv6 loopback on this machine');
    echo = await startEcho();
    lb = createLoadBalancer({ relay });
    const denied = service([backend(echo.port)], { host: '::1', deny: ['::1/128'] });
    const allowed = service([backend(echo.port)], { host: '::1', allow: ['::1'] });
    await lb.apply(config(denied, allowed));
    const a = await connectFrom(lb.listenPort(allowed.id) as number, '::1', '::1');
    const d = await connectFrom(lb.listenPort(denied.id) as number, '::1', '::1');
    try {
      expect(await served(a)).toBe(true);
      expect(await served(d)).toBe(false);
      expect(echo.accepted).toBe(1);
      expect(lb.stats().services.map((s) => s.rejectedByReason.denied)).toEqual([1, 0]);
    } finally {
      a.destroy();
      d.destroy();
    }
  });

  it('a new list applies to new clients; established connections stay (as in HAProxy)', async () => {
    echo = await startEcho();
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port)], { allow: ['127.0.0.0/30'] });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const stays = await connectFrom(port, '127.0.0.2');
    const still = await connectFrom(port, '127.0.0.1');
    try {
      expect(await served(stays)).toBe(true);
      expect(await served(still)).toBe(true);
      // Now 127.0.0.2 is denied and 127.0.0.1 still qualifies: neither established connection is closed.
      await lb.apply(config({ ...svc, deny: ['127.0.0.2'] }));
      for (let i = 0; i < 20; i++) {
        expect(await served(stays)).toBe(true);
        expect(await served(still)).toBe(true);
      }
      const again = await connectFrom(port, '127.0.0.2');
      expect(await served(again)).toBe(false);
      again.destroy();
      expect(lb.stats().services[0]!.rejectedByReason.denied).toBe(1);
      expect(lb.stats().services[0]!.active).toBe(2);
      // And removing the lists lets it in again.
      await lb.apply(config({ ...svc, allow: [], deny: [] }));
      const back = await connectFrom(port, '127.0.0.2');
      expect(await served(back)).toBe(true);
      back.destroy();
    } finally {
      stays.destroy();
      still.destroy();
    }
    await waitFor(() => lb!.stats().services[0]!.active === 0, 'teardown');
  });

  it('refuses a malformed list before anything changes', async () => {
    echo = await startEcho();
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port)]);
    await lb.apply(config(svc));
    await expect(lb.apply(config({ ...svc, allow: ['10.0.0.0/8', '10.0.0.0/40'] }))).rejects.toMatchObject({ field: 'services[0].allow[1]' });
    expect(lb.config.services[0]!.allow).toEqual([]);
  });
});
