// Static stability: the data plane never depends on the control plane. While the shared store is
// unreachable, traffic is served unchanged and changes get 503 with nothing half-applied; a node
// that restarts meanwhile starts from its local copy; on reconnect every node catches up.
import { describe, expect, it } from 'vitest';
import type { ApiErrorBody, ServiceDto } from '@fulcrum/shared/api';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { eventually, freePort, tcpRoundTrip } from '../helpers.ts';
import { StoreLink, clusterFixtures, createDatabase, startNode } from './harness.ts';
import type { NodeHandle } from './harness.ts';

const fx = clusterFixtures();

async function node(url: string, name: string, listenHost: string, dir?: string): Promise<NodeHandle> {
  const n = await startNode({ url, name, listenHost, ...(dir ? { dir } : {}) });
    return n;
}

describe('the shared store goes away and comes back', () => {
  it('traffic continues, changes get 503 and change nothing, a restarted node serves its local copy, all catch up', async () => {
    const relay = await StoreLink.start(fx.pg.port);
    const url = await createDatabase(fx.pg, relay.port);
    const a = await node(url, 'a', '127.0.0.2');
    const b = await node(url, 'b', '127.0.0.3');
    const port = await freePort();
    const created = await a.api('POST', '/api/services?wait=cluster', {
      name: 'echo', listen: `127.0.0.1:${port}`, healthCheck: { type: 'none' }, backends: [{ address: `127.0.0.1:${fx.echo.port}` }],
    });
    expect(created.status).toBe(201);
    const service = (await created.json()) as ServiceDto;

    // b stops; a change is made while it is away; then the store goes away.
    await b.stop();
    expect((await a.api('PATCH', `/api/services/${service.id}`, { retries: 4 })).status).toBe(200);
    const versionBeforeOutage = a.server.app.fulcrum.config.version;
    await relay.cut();

    // Traffic through a is unaffected.
    for (let i = 0; i < 5; i++) expect((await tcpRoundTrip(port, `ping ${i}`, '127.0.0.2')).toString()).toBe(`ping ${i}`);
    // A change fails with 503 STORE_UNAVAILABLE and nothing changes, in the API, the local copy or the engine.
    const engineBefore = structuredClone(a.server.engine.config);
    const storedBefore = a.server.store.readServices();
    const refused = await a.api('PATCH', `/api/services/${service.id}`, { retries: 7 });
    expect(refused.status).toBe(503);
    const body = (await refused.json()) as ApiErrorBody;
    expect(body.code).toBe('STORE_UNAVAILABLE');
    expect(body.message).toMatch(/shared store is unreachable/);
    expect(a.server.engine.config).toEqual(engineBefore);
    expect(a.server.store.readServices()).toEqual(storedBefore);
    expect(a.server.app.fulcrum.config.service(service.id)?.retries).toBe(4);
    // The cluster view says the store is unreachable.
    const view = (await (await a.api('GET', '/api/cluster')).json()) as ClusterDto;
    expect(view.storeError).not.toBeNull();
    expect(await (await a.api('GET', '/metrics')).text()).toContain('fulcrum_store_reachable{node="a"} 0');

    // b restarts while the store is down: it starts from its local copy (the version before it left) and serves.
    const b2 = await node(url, 'b', '127.0.0.3', b.dir);
    expect(b2.server.storeDown).toMatch(/cannot reach PostgreSQL/);
    expect(b2.server.app.fulcrum.config.service(service.id)?.retries).toBe(2);
    expect((await tcpRoundTrip(port, 'from the local copy', '127.0.0.3')).toString()).toBe('from the local copy');

    // The store comes back: b catches up to the version made while it was away; changes work again.
    await relay.restore();
    await eventually(() => b2.server.app.fulcrum.config.version === versionBeforeOutage, 20_000);
    expect(b2.server.app.fulcrum.config.service(service.id)?.retries).toBe(4);
    expect(b2.server.engine.config.services[0]?.retries).toBe(4);
    const again = await eventually(async () => {
      const res = await b2.api('PATCH', `/api/services/${service.id}?wait=cluster`, { retries: 6 });
      return res.status === 200 ? res : undefined;
    }, 20_000);
    expect(again.headers.get('fulcrum-cluster-pending')).toBe('');
    await eventually(() => a.server.app.fulcrum.config.service(service.id)?.retries === 6);
    await relay.cut();
  }, 90_000);
});
