// A node that cannot apply a version (its port is taken on that host) keeps serving the last
// version it could apply, says why in /api/cluster and its event log, and applies the next one.
import net from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ServiceDto } from '@fulcrum/shared/api';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { eventually, freePort, tcpRoundTrip } from '../helpers.ts';
import { createDatabase, clusterFixtures, startNode } from './harness.ts';
import type { NodeHandle } from './harness.ts';

const fx = clusterFixtures();

const view = async (n: NodeHandle) => (await (await n.api('GET', '/api/cluster')).json()) as ClusterDto;

describe('one node cannot apply a version', () => {
  it('keeps serving its last version, reports apply-failed, refuses changes through it, and recovers with the next version', async () => {
    const url = await createDatabase(fx.pg);
    const a = await startNode({ url, name: 'a', listenHost: '127.0.0.2' });
    const b = await startNode({ url, name: 'b', listenHost: '127.0.0.3' });
        const first = await freePort();
    const res = await a.api('POST', '/api/services?wait=cluster', {
      name: 'one', listen: `127.0.0.1:${first}`, healthCheck: { type: 'none' }, backends: [{ address: `127.0.0.1:${fx.echo.port}` }],
    });
    expect(res.status).toBe(201);
    const goodVersion = b.server.app.fulcrum.config.version;

    // Something else holds the next port on b's host only.
    const port = await freePort();
    const squatter = net.createServer();
    squatter.listen(port, '127.0.0.3');
    await once(squatter, 'listening');
    try {
      const created = await a.api('POST', '/api/services?wait=cluster', {
        name: 'two', listen: `127.0.0.1:${port}`, healthCheck: { type: 'none' }, backends: [{ address: `127.0.0.1:${fx.echo.port}` }],
      });
      expect(created.status).toBe(201);
      // a runs it; b does not, and the wait says so.
      expect(created.headers.get('fulcrum-cluster-pending')).toBe('b');
      expect((await tcpRoundTrip(port, 'a serves two', '127.0.0.2')).toString()).toBe('a serves two');
      const cluster = await eventually(async () => {
        const v = await view(a);
        return v.nodes.find((n) => n.name === 'b')?.state === 'apply-failed' ? v : undefined;
      });
      const nodeB = cluster.nodes.find((n) => n.name === 'b')!;
      expect(nodeB.appliedVersion).toBe(goodVersion);
      expect(nodeB.lag).toBe(1);
      expect(nodeB.lastApplyError).toMatch(/in use/);
      // b still serves the version it could apply.
      expect(b.server.app.fulcrum.config.version).toBe(goodVersion);
      expect((await tcpRoundTrip(first, 'b still serves one', '127.0.0.3')).toString()).toBe('b still serves one');
      const events = (await (await b.api('GET', '/api/events?kind=apply-failed')).json()) as { events: { message: string }[] };
      expect(events.events[0]?.message).toMatch(new RegExp(`could not apply configuration version ${goodVersion + 1} and still serves version ${goodVersion}`));
      const metrics = await (await b.api('GET', '/metrics')).text();
      expect(metrics).toContain(`fulcrum_config_apply_failed{node="b"} 1`);
      expect(metrics).toContain(`fulcrum_config_version{node="b"} ${goodVersion}`);
      expect(metrics).toContain(`fulcrum_node_info{node="b",store="postgres"} 1`);
      // A change through b cannot start from a version b cannot run.
      const refused = await b.api('PATCH', `/api/services/${(await created.json() as ServiceDto).id}`, { retries: 1 });
      expect(refused.status).toBe(422);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }

    // The port is free again: the next version applies on b.
    const service = a.server.app.fulcrum.config.services.find((s) => s.name === 'two')!;
    const next = await a.api('PATCH', `/api/services/${service.id}?wait=cluster`, { retries: 3 });
    expect(next.status).toBe(200);
    expect(next.headers.get('fulcrum-cluster-pending')).toBe('');
    expect(b.server.app.fulcrum.config.service(service.id)?.retries).toBe(3);
    expect((await tcpRoundTrip(port, 'b serves two', '127.0.0.3')).toString()).toBe('b serves two');
    expect((await view(b)).nodes.map((n) => n.state)).toEqual(['in-step', 'in-step']);
    expect(await (await b.api('GET', '/metrics')).text()).toContain(`fulcrum_config_apply_failed{node="b"} 0`);
  });
});
