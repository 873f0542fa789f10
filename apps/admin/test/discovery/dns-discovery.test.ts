// DNS discovery against a real DNS server (dnsmasq on loopback) and real TCP backends on
// 127.0.0.x, while a bounded client load runs through the service: a member that appears takes
// traffic only once its check passes, a member that disappears drains, a failing name keeps the
// members and raises an event, and no client operation fails throughout.
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDto, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import { api, eventually, freePort, startApp, tempDir } from '../helpers.ts';
import type { TestApp } from '../helpers.ts';
import { DNSMASQ, Dnsmasq } from './dnsmasq.ts';

/** A TCP echo backend on host:port that counts client connections (those that send bytes; health probes send none). */
interface Member {
  host: string;
  dataConnections: number;
  firstDataAt: number | undefined;
  close(): Promise<void>;
}

async function startMember(host: string, port: number): Promise<Member> {
  const sockets = new Set<net.Socket>();
  const member: Member = { host, dataConnections: 0, firstDataAt: undefined, close: async () => {} };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', () => {
      member.dataConnections++;
      member.firstDataAt ??= Date.now();
    });
    socket.pipe(socket);
  });
  server.listen(port, host);
  await once(server, 'listening');
  member.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return member;
}

/** One echo exchange on an open socket: resolves when `payload` came back whole. */
function exchange(socket: net.Socket, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (chunk: Buffer) => {
      got += chunk.toString();
      if (got.length >= payload.length) {
        cleanup();
        if (got === payload) resolve();
        else reject(new Error(`echo mismatch: ${got}`));
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new Error('closed before the echo'));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('close', onEnd);
      socket.off('error', onEnd);
    };
    socket.on('data', onData);
    socket.once('close', onEnd);
    socket.once('error', onEnd);
    socket.write(payload);
  });
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  return socket;
}

/** Client load: long-lived connections pinging, plus short connections opened and closed; bounded by `maxMs`. */
class Load {
  ops = 0;
  failures: string[] = [];
  #stop = false;
  readonly #runs: Promise<void>[] = [];
  readonly #long: net.Socket[] = [];

  async start(port: number, longLived: number, shortLoops: number, maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    for (let i = 0; i < longLived; i++) this.#long.push(await connect(port));
    for (const [i, socket] of this.#long.entries()) {
      this.#runs.push(
        (async () => {
          while (!this.#stop && Date.now() < deadline) {
            await this.#op(() => exchange(socket, `long-${i}-${this.ops}\n`));
            await new Promise((r) => setTimeout(r, 20));
          }
        })(),
      );
    }
    for (let i = 0; i < shortLoops; i++) {
      this.#runs.push(
        (async () => {
          while (!this.#stop && Date.now() < deadline) {
            await this.#op(async () => {
              const socket = await connect(port);
              try {
                await exchange(socket, `short-${i}\n`);
              } finally {
                socket.destroy();
              }
            });
          }
        })(),
      );
    }
  }

  async #op(run: () => Promise<void>): Promise<void> {
    try {
      await run();
      this.ops++;
    } catch (err) {
      this.failures.push((err as Error).message);
    }
  }

  /** Stops the loops; the long-lived connections stay open until closeAll(). */
  async stop(): Promise<void> {
    this.#stop = true;
    await Promise.all(this.#runs);
  }

  closeAll(): void {
    for (const s of this.#long) s.destroy();
  }
}

const healthCheck = { type: 'tcp', intervalMs: 200, timeoutMs: 500, rise: 1, fall: 2 };

describe.skipIf(!DNSMASQ)('DNS discovery (dnsmasq on loopback)', () => {
  const temp = tempDir('fulcrum-dns-');
  let dns: Dnsmasq;
  let t: TestApp;
  const members: Member[] = [];

  beforeAll(async () => {
    dns = await Dnsmasq.start(temp.dir, { hosts: [] });
    t = await startApp({ dnsServers: [dns.server] });
  });

  afterAll(async () => {
    // dnsmasq first: whatever else fails to close, no DNS server outlives the test.
    try {
      await dns?.stop();
    } finally {
      for (const m of members) await m.close();
      await t?.close();
      temp.remove();
    }
  });

  const events = async (kind: string): Promise<EventDto[]> =>
    (await api(t.app, 'GET', `/api/events?kind=${kind}&limit=500`)).json<{ events: EventDto[] }>().events ?? [];
  const stats = async (serviceId: number) => (await api(t.app, 'GET', '/api/stats')).json<StatsDto>().services.find((s) => s.id === serviceId)!;

  it('follows A records while clients run: adds after a passing check, drains removals, keeps the set when the name fails', async () => {
    const port = await freePort();
    const [m2, m3] = [await startMember('127.0.0.2', port), await startMember('127.0.0.3', port)];
    members.push(m2, m3);
    await dns.setHosts([['127.0.0.2', 'redis.internal'], ['127.0.0.3', 'redis.internal']]);
    const listen = await freePort();
    const created = await api(t.app, 'POST', '/api/services', { name: 'cache', listen: `127.0.0.1:${listen}`, healthCheck });
    expect(created.statusCode).toBe(201);
    const serviceId = created.json<ServiceDto>().id;

    const added = await api(t.app, 'POST', `/api/services/${serviceId}/backends`, {
      discover: { type: 'dns', name: 'redis.internal', port, minTtlMs: 200, maxTtlMs: 1000 },
    });
    expect(added.statusCode).toBe(201);
    const group = added.json<ServiceDto['backends'][number]>();
    expect(group).toMatchObject({ address: `dns:redis.internal:${port}`, discover: { type: 'dns', name: 'redis.internal', port, minTtlMs: 200, maxTtlMs: 1000 } });
    // Answered after the first resolution: the members are listed.
    expect(group.discovery?.members.map((m) => m.address).sort()).toEqual([`127.0.0.2:${port}`, `127.0.0.3:${port}`]);
    expect(group.discovery?.lastError).toBe('');

    // Both members up (checks passed), marked as members of the group in live stats.
    await eventually(async () => {
      const s = await stats(serviceId);
      const rows = s.backends.filter((b) => b.group === group.id);
      return rows.length === 2 && rows.every((b) => b.health === 'up');
    });
    const load = new Load();
    await load.start(listen, 6, 3, 60_000);
    try {
      await eventually(() => m2.dataConnections > 0 && m3.dataConnections > 0);

      // 1. A member appears in DNS before anything listens there: it is added, checked, and gets no traffic.
      await dns.setHosts([['127.0.0.2', 'redis.internal'], ['127.0.0.3', 'redis.internal'], ['127.0.0.4', 'redis.internal']]);
      await eventually(async () => (await events('discovery-changed')).some((e) => (e.details.added as string[] | undefined)?.includes(`127.0.0.4:${port}`)));
      await eventually(async () =>
        (await events('backend-health')).some((e) => e.details.member === `127.0.0.4:${port}` && e.details.to === 'down'),
      );
      const m4 = await startMember('127.0.0.4', port);
      members.push(m4);
      await eventually(() => m4.dataConnections > 0);
      const up = (await events('backend-health')).find((e) => e.details.member === `127.0.0.4:${port}` && e.details.to === 'up');
      expect(up?.backendId).toBe(group.id);
      expect(m4.firstDataAt!).toBeGreaterThanOrEqual(Date.parse(up!.time));

      // 2. A member disappears: it drains (its established connections keep working), new ones go elsewhere.
      await dns.setHosts([['127.0.0.3', 'redis.internal'], ['127.0.0.4', 'redis.internal']]);
      await eventually(async () => (await events('discovery-changed')).some((e) => (e.details.removed as string[] | undefined)?.includes(`127.0.0.2:${port}`)));
      const removedRow = await eventually(async () => (await stats(serviceId)).backends.find((b) => b.address === `127.0.0.2:${port}` && b.removed));
      expect(removedRow.group).toBe(group.id);
      // A connection dispatched just before the change may still be starting: let those settle first.
      const settleFrom = load.ops;
      await eventually(() => load.ops > settleFrom + 50);
      const m2Before = m2.dataConnections;
      const opsBefore = load.ops;
      await eventually(() => load.ops > opsBefore + 200);
      expect(m2.dataConnections).toBe(m2Before);

      // 3. The name fails (NXDOMAIN): the members stay, an event says why.
      await dns.setHosts([]);
      const failed = await eventually(async () => (await events('discovery-failed'))[0]);
      expect(failed).toMatchObject({ actor: 'dns', serviceId, backendId: group.id, details: { code: 'ENOTFOUND' } });
      const service = (await api(t.app, 'GET', `/api/services/${serviceId}`)).json<ServiceDto>();
      const status = service.backends.find((b) => b.id === group.id)!.discovery!;
      expect(status.members.map((m) => m.address).sort()).toEqual([`127.0.0.3:${port}`, `127.0.0.4:${port}`]);
      expect(status.lastError).toMatch(/NXDOMAIN/);
      const opsDuringFailure = load.ops;
      await eventually(() => load.ops > opsDuringFailure + 200);

      // 4. It resolves again.
      await dns.setHosts([['127.0.0.3', 'redis.internal'], ['127.0.0.4', 'redis.internal']]);
      await eventually(async () => (await events('discovery-recovered')).length > 0);
    } finally {
      await load.stop();
      if (load.failures.length > 0) load.closeAll();
    }
    expect(load.failures).toEqual([]);
    expect(load.ops).toBeGreaterThan(500);
    // The removed member's last connections end: its drain ends.
    load.closeAll();
    await eventually(async () => (await events('backend-drained')).some((e) => e.details.member === `127.0.0.2:${port}`));
    expect(t.store.readServices().find((s) => s.id === serviceId)!.backends).toHaveLength(1);
  }, 90_000);

  it('takes SRV ports, weights and priorities, and follows a changed SRV set', async () => {
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    const servers = [await startMember('127.0.0.5', p1), await startMember('127.0.0.5', p2), await startMember('127.0.0.6', p3)];
    members.push(...servers);
    const name = '_redis._tcp.internal';
    await dns.restart({
      hosts: [['127.0.0.5', 'a.internal'], ['127.0.0.6', 'b.internal']],
      srv: [[name, 'a.internal', p1, 0, 10], [name, 'a.internal', p2, 0, 30], [name, 'b.internal', p3, 5, 10]],
    });
    const listen = await freePort();
    const created = await api(t.app, 'POST', '/api/services', {
      name: 'srv-cache',
      listen: `127.0.0.1:${listen}`,
      strategy: 'weighted-round-robin',
      healthCheck,
      backends: [{ discover: { type: 'srv', name, minTtlMs: 200, maxTtlMs: 1000 } }],
    });
    expect(created.statusCode).toBe(201);
    const service = created.json<ServiceDto>();
    const groupId = service.backends[0]!.id;
    const rows = await eventually(async () => {
      const s = await stats(service.id);

      const mine = s.backends.filter((b) => b.group === groupId && !b.removed);
      return mine.length === 3 && mine.every((b) => b.health === 'up') ? mine : undefined;
    });
    expect(rows.map((b) => [b.address, b.weight]).sort()).toEqual(
      [[`127.0.0.5:${p1}`, 10], [`127.0.0.5:${p2}`, 30], [`127.0.0.6:${p3}`, 10]].sort(),
    );
    const engineBackends = t.engine.config.services.find((s) => s.id === service.id)!.backends;
    expect(engineBackends.find((b) => b.port === p3)?.backup).toBe(true);

    // A changed record set (dnsmasq restarts to read it): the dropped record's member is removed.
    await dns.restart({
      hosts: [['127.0.0.5', 'a.internal'], ['127.0.0.6', 'b.internal']],
      srv: [[name, 'a.internal', p1, 0, 10], [name, 'b.internal', p3, 5, 10]],
    });
    // Nothing was connected to it, so its drain ends at once and it leaves the engine.
    await eventually(() => !t.engine.config.services.find((s) => s.id === service.id)!.backends.some((b) => b.port === p2));
    expect(t.engine.config.services.find((s) => s.id === service.id)!.backends.map((b) => b.port).sort()).toEqual([p1, p3].sort());
    const status = (await api(t.app, 'GET', `/api/services/${service.id}`)).json<ServiceDto>().backends[0]!.discovery!;
    expect(status.members.map((m) => m.address).sort()).toEqual([`127.0.0.5:${p1}`, `127.0.0.6:${p3}`].sort());
  }, 60_000);
});
