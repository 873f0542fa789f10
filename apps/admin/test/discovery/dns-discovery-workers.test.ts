// DNS discovery with `--workers 2` through the real command (`--dns-server`): the primary
// resolves once and every worker serves the members; a member leaving DNS gets no new connection
// in any worker.
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDto, ServiceDto } from '@fulcrum/shared/api';
import { eventually, freePort, tempDir } from '../helpers.ts';
import { cleanup, echoOnce, onCleanup, startFulcrum } from '../cluster/harness.ts';
import type { Fulcrum } from '../cluster/harness.ts';
import { DNSMASQ, Dnsmasq } from './dnsmasq.ts';

/** An echo server on host:port counting connections that carried data (health probes carry none). */
async function echoOn(host: string, port: number): Promise<{ data: number }> {
  const counter = { data: 0 };
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => counter.data++);
    socket.pipe(socket);
  });
  server.listen(port, host);
  await once(server, 'listening');
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return counter;
}

describe.skipIf(!DNSMASQ)('DNS discovery with --workers 2', () => {
  let dns: Dnsmasq;
  let f: Fulcrum;

  beforeAll(async () => {
    const temp = tempDir('fulcrum-dns-workers-');
    onCleanup(temp.remove);
    dns = await Dnsmasq.start(temp.dir, { hosts: [] });
    onCleanup(() => dns.stop());
    f = await startFulcrum({ workers: 2, args: ['--dns-server', dns.server] });
  }, 60_000);

  afterAll(cleanup);

  it('resolves in the primary and every worker follows the members', async () => {
    const port = await freePort();
    const [a, b] = [await echoOn('127.0.0.2', port), await echoOn('127.0.0.3', port)];
    await dns.setHosts([['127.0.0.2', 'cache.internal'], ['127.0.0.3', 'cache.internal']]);
    const listen = await freePort();
    const created = await f.api<ServiceDto>('POST', '/api/services', {
      name: 'cache',
      listen: `127.0.0.1:${listen}`,
      healthCheck: { type: 'tcp', intervalMs: 200, rise: 1, fall: 1 },
      backends: [{ discover: { type: 'dns', name: 'cache.internal', port, minTtlMs: 200, maxTtlMs: 1000 } }],
    });
    expect(created.status).toBe(201);
    const serviceId = created.body.id;
    await eventually(async () => {
      const s = (await f.stats()).services.find((x) => x.id === serviceId);
      const members = s?.backends.filter((m) => m.group !== undefined) ?? [];
      return members.length === 2 && members.every((m) => m.health === 'up');
    });
    for (let i = 0; i < 40; i++) expect(await echoOnce(listen, `w${i}`)).toBe(`w${i}`);
    expect(a.data).toBeGreaterThan(0);
    expect(b.data).toBeGreaterThan(0);
    // Which worker accepts a client is the kernel's choice (under load it may be one of them only);
    // both run the members, since apply() resolves only once every worker has applied them.
    expect((await f.workers()).workers).toHaveLength(2);

    await dns.setHosts([['127.0.0.3', 'cache.internal']]);
    await eventually(async () =>
      (await f.api<{ events: EventDto[] }>('GET', '/api/events?kind=discovery-changed')).body.events.some((e) =>
        (e.details.removed as string[]).includes(`127.0.0.2:${port}`),
      ),
    );
    // Applied in every worker before the event is logged: from now on only 127.0.0.3 gets clients.
    const before = a.data;
    for (let i = 0; i < 40; i++) expect(await echoOnce(listen, `x${i}`)).toBe(`x${i}`);
    expect(a.data).toBe(before);
    // One resolver: one change event, not one per worker.
    const changes = (await f.api<{ events: EventDto[] }>('GET', '/api/events?kind=discovery-changed')).body.events;
    expect(changes).toHaveLength(2);
  }, 90_000);
});
