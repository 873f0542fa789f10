// Each node records its own metric history; GET /api/services/:id/history?node=NAME on any node
// answers NAME's, fetched from that node's admin with the caller's credentials (a browser
// session's as a node assertion signed with the cluster secret). Two real nodes on one real
// PostgreSQL: only b carries traffic, and a shows it when asked for b.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, CreatedTokenDto, ServiceDto, TokenDto } from '@fulcrum/shared/api';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import type { HistoryDto } from '@fulcrum/shared/history';
import { TOKEN, eventually, freePort, tcpRoundTrip } from '../helpers.ts';
import { clusterFixtures, createDatabase, query, startNode } from './harness.ts';
import type { NodeHandle } from './harness.ts';
import { NODE_ASSERTION_HEADER, signNodeAssertion } from '../../src/fleet/node-assertion.ts';

const fx = clusterFixtures();
/** Short buckets so points appear within a second (the test-only setting, as in history.test.ts). */
const BUCKET_MS = 250;

const total = (values: (number | null)[]): number => values.reduce<number>((sum, v) => sum + (v ?? 0), 0);

describe('history of another node', () => {
  let url: string;
  let a: NodeHandle;
  let b: NodeHandle;
  let service: ServiceDto;
  let port: number;

  beforeAll(async () => {
    url = await createDatabase(fx.pg);
    a = await startNode({ url, name: 'a', listenHost: '127.0.0.2', history: { bucketMs: BUCKET_MS } });
    b = await startNode({ url, name: 'b', listenHost: '127.0.0.3', history: { bucketMs: BUCKET_MS } });
    port = await freePort();
    const res = await a.api('POST', '/api/services?wait=cluster', {
      name: 'echo',
      listen: `127.0.0.1:${port}`,
      healthCheck: { type: 'none' },
      backends: [{ address: `127.0.0.1:${fx.echo.port}` }],
    });
    expect(res.status, await res.clone().text()).toBe(201);
    service = (await res.json()) as ServiceDto;
    // Both nodes know each other (heartbeats) before anything asks for the other one.
    await eventually(async () => ((await (await a.api('GET', '/api/cluster')).json()) as ClusterDto).nodes.length === 2);
  }, 60_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  const history = async (node: NodeHandle, suffix = ''): Promise<Response> => node.api('GET', `/api/services/${service.id}/history?range=5m${suffix}`);

  it("node a answers node b's history: b's traffic, which a never saw", async () => {
    // Traffic through b only (its --listen-host).
    const payload = 'y'.repeat(500);
    for (let i = 0; i < 10; i++) expect((await tcpRoundTrip(port, payload, '127.0.0.3')).length).toBe(500);

    const remote = await eventually(async () => {
      const res = await history(a, '&node=b');
      expect(res.status, await res.clone().text()).toBe(200);
      const body = (await res.json()) as HistoryDto;
      return total(body.service.newPerSec) * (body.stepMs / 1000) >= 10 ? body : undefined;
    });
    expect(remote).toMatchObject({ serviceId: service.id, range: '5m' });
    expect(total(remote.service.bytesInPerSec) * (remote.stepMs / 1000)).toBeGreaterThanOrEqual(5_000);

    // a's own history (no node, or its own name) has none of it.
    for (const suffix of ['', '&node=a']) {
      const res = await history(a, suffix);
      expect(res.status).toBe(200);
      expect(total(((await res.json()) as HistoryDto).service.newPerSec)).toBe(0);
    }
  });

  it('passes the other node\'s refusal on: a service it does not have is its 404, credentials go along', async () => {
    const missing = await a.api('GET', '/api/services/99999/history?range=5m&node=b');
    expect(missing.status).toBe(404);
    // Without credentials a refuses before asking anyone.
    const anonymous = await fetch(`${a.admin}/api/services/${service.id}/history?range=5m&node=b`);
    expect(anonymous.status).toBe(401);
  });

  it("a browser session of a reaches b's history: a signs a node assertion for it, b never sees the cookie", async () => {
    const login = await fetch(`${a.admin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
    expect(login.status).toBe(204);
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    // The session is a's only: b itself refuses the cookie.
    expect((await fetch(`${b.admin}/api/services/${service.id}/history?range=5m`, { headers: { cookie } })).status).toBe(401);
    const res = await fetch(`${a.admin}/api/services/${service.id}/history?range=5m&node=b`, { headers: { cookie } });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as HistoryDto;
    expect(body).toMatchObject({ serviceId: service.id, range: '5m' });
    // b's traffic (the first test), which a never carried.
    expect(total(body.service.newPerSec)).toBeGreaterThan(0);
  });

  describe('node assertions sent to b directly', () => {
    let secret: Buffer;
    let tokenId: number;
    const path = () => `/api/services/${service.id}/history?range=5m`;
    const sign = (over: { secret?: Buffer; tokenId?: number; method?: string; path?: string; target?: string; at?: number } = {}) =>
      signNodeAssertion(over.secret ?? secret, over.tokenId ?? tokenId, { method: over.method ?? 'GET', pathWithQuery: over.path ?? path(), targetNode: over.target ?? 'b' }, over.at ?? Date.now());
    const send = (assertion: string, method = 'GET', to = path()) => fetch(`${b.admin}${to}`, { method, headers: { [NODE_ASSERTION_HEADER]: assertion } });

    beforeAll(async () => {
      const [row] = await query<{ secret: Buffer }>(url, 'SELECT secret FROM fulcrum_cluster WHERE id = 1');
      secret = row!.secret;
      expect(secret).toHaveLength(32);
      const tokens = (await (await b.api('GET', '/api/tokens')).json()) as TokenDto[];
      tokenId = tokens.find((t) => t.current)!.id;
    });

    it('b accepts a well-made one, as the token it names', async () => {
      const res = await send(sign());
      expect(res.status, await res.clone().text()).toBe(200);
      expect(((await res.json()) as HistoryDto).serviceId).toBe(service.id);
    });

    it('b refuses a forged, expired, misdirected or non-GET one with 401', async () => {
      const refused = async (res: Response) => {
        expect(res.status).toBe(401);
        expect((await res.json()) as ApiErrorBody).toMatchObject({ code: 'UNAUTHORIZED' });
      };
      await refused(await send(sign({ secret: randomBytes(32) })));
      await refused(await send(sign({ at: Date.now() - 60_000 })));
      await refused(await send(sign({ path: `/api/services/${service.id}/history?range=1h` })));
      await refused(await send(sign({ target: 'a' })));
      await refused(await send(sign({ method: 'POST', path: '/api/services' }), 'POST', '/api/services'));
      await refused(await send(sign({ tokenId: 99999 })));
    });

    it("b refuses a revoked token's assertion", async () => {
      const created = await b.api('POST', '/api/tokens?wait=cluster', { name: 'assertion-revoked' });
      expect(created.status).toBe(201);
      const other = (await created.json()) as CreatedTokenDto;
      expect((await send(sign({ tokenId: other.id }))).status).toBe(200);
      expect((await b.api('DELETE', `/api/tokens/${other.id}?wait=cluster`)).status).toBe(204);
      expect((await send(sign({ tokenId: other.id }))).status).toBe(401);
    });
  });

  it('an unknown node is a 400 naming node', async () => {
    const res = await history(a, '&node=nobody');
    expect(res.status).toBe(400);
    expect((await res.json()) as ApiErrorBody).toMatchObject({ statusCode: 400, code: 'UNKNOWN_NODE', field: 'node' });
  });

  it('a node that does not answer is a 502 naming node', async () => {
    // A node that died without leaving: its row stays, its admin port has nobody listening.
    await listNode('gone', await freePort());
    const res = await history(a, '&node=gone');
    expect(res.status).toBe(502);
    const body = (await res.json()) as ApiErrorBody;
    expect(body).toMatchObject({ statusCode: 502, code: 'NODE_UNREACHABLE', field: 'node' });
    expect(body.message).toContain('gone');
  });

  /** Lists a node named `name` whose admin is at `port` (its row as a heartbeat writes it). */
  async function listNode(name: string, port: number): Promise<void> {
    await query(
      url,
      `INSERT INTO fulcrum_nodes (name, admin_url, listen_host, applied_version, active_connections, started_at, last_seen)
       VALUES ($1, $2, NULL, 1, 0, now(), now())`,
      [name, `http://127.0.0.1:${port}`],
    );
    await eventually(async () => ((await (await a.api('GET', '/api/cluster')).json()) as ClusterDto).nodes.some((n) => n.name === name));
  }

  it('a node that accepts but never answers is a 502 after the 5 s bound, not a hang', async () => {
    const held = new Set<net.Socket>();
    const silent = net.createServer((socket) => held.add(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      await listNode('stuck', (silent.address() as net.AddressInfo).port);
      const started = Date.now();
      const res = await history(a, '&node=stuck');
      const took = Date.now() - started;
      expect(res.status).toBe(502);
      expect((await res.json()) as ApiErrorBody).toMatchObject({ code: 'NODE_UNREACHABLE', field: 'node', message: expect.stringContaining('within 5 s') });
      expect(took).toBeGreaterThanOrEqual(4_900);
      expect(took).toBeLessThan(10_000);
      expect(held.size).toBeGreaterThan(0);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  }, 20_000);

  it('a node that answers something other than the API is a 502', async () => {
    const other = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>not fulcrum</h1>'));
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    try {
      await listNode('impostor', (other.address() as net.AddressInfo).port);
      const res = await history(a, '&node=impostor');
      expect(res.status).toBe(502);
      expect((await res.json()) as ApiErrorBody).toMatchObject({ code: 'NODE_UNREACHABLE', field: 'node' });
    } finally {
      other.closeAllConnections();
      other.close();
    }
  });
});
