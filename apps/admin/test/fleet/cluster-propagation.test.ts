// Three nodes on one machine (services listening on 127.0.0.2/.3/.4) share one real PostgreSQL:
// a change through any node is live on every node, each node says which version it runs, and
// optimistic concurrency holds across nodes.
import net from 'node:net';
import { once } from 'node:events';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDto } from '@fulcrum/shared/api';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { eventually, freePort, tcpRoundTrip } from '../helpers.ts';
import { createDatabase, clusterFixtures, startNode } from './harness.ts';
import type { NodeHandle } from './harness.ts';

const fx = clusterFixtures();
let nodes: NodeHandle[] = [];

async function roundTrip(host: string, port: number, text: string): Promise<string> {
  return (await tcpRoundTrip(port, text, host)).toString();
}

describe('three nodes, one configuration', () => {
  let url: string;
  beforeAll(async () => {
    url = await createDatabase(fx.pg);
    nodes = [
      await startNode({ url, name: 'a', listenHost: '127.0.0.2' }),
      await startNode({ url, name: 'b', listenHost: '127.0.0.3' }),
      await startNode({ url, name: 'c', listenHost: '127.0.0.4' }),
    ];
  }, 60_000);

  it('a change through one node is live on every node; ?wait=cluster says all applied', async () => {
    const [a, b, c] = nodes as [NodeHandle, NodeHandle, NodeHandle];
    const port = await freePort();
    const res = await a.api('POST', '/api/services?wait=cluster', {
      name: 'echo',
      listen: `127.0.0.1:${port}`,
      healthCheck: { type: 'none' },
      backends: [{ address: `127.0.0.1:${fx.echo.port}` }],
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const version = Number(res.headers.get('fulcrum-config-version'));
    expect(version).toBeGreaterThan(0);
    expect(res.headers.get('fulcrum-cluster-pending')).toBe('');
    expect(res.headers.get('fulcrum-cluster-applied')?.split(',').sort()).toEqual(['a', 'b', 'c']);
    // Each node listens on its own --listen-host and proxies.
    for (const [host, node] of [['127.0.0.2', a], ['127.0.0.3', b], ['127.0.0.4', c]] as const) {
      expect(node.server.app.fulcrum.config.version).toBe(version);
      expect(await roundTrip(host, port, `via ${node.name}`)).toBe(`via ${node.name}`);
    }
    // The configured host itself is not used on these nodes.
    expect(nodes.every((n) => n.server.engine.config.services[0]?.host !== '127.0.0.1')).toBe(true);

    // A change through b reaches a and c without waiting for anything but the change itself.
    const id = (await res.json() as ServiceDto).id;
    const patched = await b.api('PATCH', `/api/services/${id}?wait=cluster`, { strategy: 'least-connections' });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('fulcrum-cluster-pending')).toBe('');
    for (const node of nodes) expect(node.server.app.fulcrum.config.service(id)?.strategy).toBe('least-connections');
    const cluster = (await (await c.api('GET', '/api/cluster')).json()) as ClusterDto;
    expect(cluster.store).toBe('postgres');
    expect(cluster.version).toBe(version + 1);
    expect(cluster.nodes.map((n) => [n.name, n.state, n.appliedVersion, n.listenHost, n.self])).toEqual([
      ['a', 'in-step', version + 1, '127.0.0.2', false],
      ['b', 'in-step', version + 1, '127.0.0.3', false],
      ['c', 'in-step', version + 1, '127.0.0.4', true],
    ]);
    expect(cluster.nodes.every((n) => n.adminUrl.startsWith('http://127.0.0.1:'))).toBe(true);
  });

  it('without waiting, the other nodes follow through LISTEN/NOTIFY', async () => {
    const [a, , c] = nodes as [NodeHandle, NodeHandle, NodeHandle];
    const id = a.server.app.fulcrum.config.services[0]!.id;
    const res = await a.api('PATCH', `/api/services/${id}`, { retries: 5, limits: { perClientConnections: 7 } });
    expect(res.status).toBe(200);
    const version = Number(res.headers.get('fulcrum-config-version'));
    await eventually(() => c.server.app.fulcrum.config.version === version);
    expect(c.server.app.fulcrum.config.service(id)?.retries).toBe(5);
    expect(c.server.engine.config.services[0]?.retries).toBe(5);
    // A JSON column (limits) travels through the shared store like the others.
    expect(c.server.engine.config.services[0]?.limits?.perClientConnections).toBe(7);
  });

  it("each node's heartbeat carries its own traffic per service and backend (the console's per-node overview)", async () => {
    const [a] = nodes as [NodeHandle, NodeHandle, NodeHandle];
    const service = a.server.app.fulcrum.config.services[0]!;
    const port = Number(service.listen.split(':').at(-1));
    const sockets: net.Socket[] = [];
    try {
      // One open connection through a, two through b, none through c.
      for (const host of ['127.0.0.2', '127.0.0.3', '127.0.0.3']) {
        const socket = net.connect({ host, port });
        sockets.push(socket);
        await once(socket, 'connect');
      }
      const activeBy = (cluster: ClusterDto) =>
        cluster.nodes.map((n) => {
          const s = n.stats?.services.find((x) => x.id === service.id);
          return [n.name, s?.active, s?.backends.map((x) => x.active)];
        });
      const seen = await eventually(async () => {
        const cluster = (await (await a.api('GET', '/api/cluster')).json()) as ClusterDto;
        return activeBy(cluster).every(([, active], i) => active === [1, 2, 0][i]) ? cluster : undefined;
      });
      expect(activeBy(seen)).toEqual([
        ['a', 1, [1]],
        ['b', 2, [2]],
        ['c', 0, [0]],
      ]);
      // Stats from each node's own clock, backend health as that node's checks see it.
      expect(seen.nodes.every((n) => n.stats !== null && n.stats.time > 0 && n.stats.services[0]!.backends[0]!.health !== undefined)).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  it('If-Match works across nodes: two operators on two nodes cannot overwrite each other', async () => {
    const [a, b] = nodes as [NodeHandle, NodeHandle, NodeHandle];
    const id = a.server.app.fulcrum.config.services[0]!.id;
    const seen = await a.api('GET', `/api/services/${id}`);
    const etag = seen.headers.get('etag')!;
    const first = await b.api('PATCH', `/api/services/${id}`, { retries: 1 }, { 'if-match': etag });
    expect(first.status).toBe(200);
    // a has not necessarily heard of b's change yet; the shared lock makes it check the newest version.
    const second = await a.api('PATCH', `/api/services/${id}`, { retries: 2 }, { 'if-match': etag });
    expect(second.status).toBe(409);
    expect((await second.json() as { code: string }).code).toBe('VERSION_CONFLICT');
    for (const node of nodes) await eventually(() => node.server.app.fulcrum.config.service(id)?.retries === 1);
  });

  it("audit events of every node appear in every node's event log", async () => {
    const [, , c] = nodes as [NodeHandle, NodeHandle, NodeHandle];
    const events = await eventually(async () => {
      const list = (await (await c.api('GET', '/api/events?limit=50&kind=service-updated')).json()) as { events: { actor: string; message: string }[] };
      return list.events.length >= 3 ? list.events : undefined;
    });
    expect(events.length).toBeGreaterThanOrEqual(3);
  });

  it('a node that joins serves the current configuration as soon as it has started; a node that leaves disappears', async () => {
    const [a] = nodes as [NodeHandle, NodeHandle, NodeHandle];
    const service = a.server.app.fulcrum.config.services[0]!;
    const port = Number(service.listen.split(':').at(-1));
    // Under load: a bounded loop of new connections through a while d joins and leaves.
    let stop = false;
    let served = 0;
    const failures: string[] = [];
    const load = (async () => {
      for (let i = 0; i < 5_000 && !stop; i++) {
        try {
          if ((await roundTrip('127.0.0.2', port, `load ${i}`)) === `load ${i}`) served++;
          else failures.push(`load ${i}: wrong answer`);
        } catch (err) {
          failures.push(`load ${i}: ${(err as Error).message}`);
        }
      }
    })();
    const t0 = Date.now();
    const d = await startNode({ url, name: 'd', listenHost: '127.0.0.5' });
    nodes.push(d);
    console.log(`cluster: node d started and runs version ${d.server.app.fulcrum.config.version} ${Date.now() - t0} ms after startServer() was called`);
    expect(d.server.app.fulcrum.config.version).toBe(a.server.app.fulcrum.config.version);
    expect(await roundTrip('127.0.0.5', port, 'joined')).toBe('joined');
    await eventually(async () => ((await (await a.api('GET', '/api/cluster')).json()) as ClusterDto).nodes.some((n) => n.name === 'd' && n.state === 'in-step'));
    await d.stop();
    const after = (await (await a.api('GET', '/api/cluster')).json()) as ClusterDto;
    expect(after.nodes.map((n) => n.name)).toEqual(['a', 'b', 'c']);
    stop = true;
    await load;
    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(0);
  });
});
