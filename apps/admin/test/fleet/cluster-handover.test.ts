// A cluster node hands over to a new process (fulcrum upgrade) while another node watches through
// the shared store: the node keeps its name and keeps serving, changes made through it afterwards
// reach the other node, and its long-lived connection survives on the old process.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServiceDto } from '@fulcrum/shared/api';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { eventually, freePort } from '../helpers.ts';
import { EchoConnection, TOKEN, childPids, cleanup, echoOnce, onCleanup, startFulcrum, trackPid } from '../cluster/harness.ts';
import { createDatabase, clusterFixtures, startNode } from './harness.ts';
import type { NodeHandle } from './harness.ts';

const fx = clusterFixtures();
let url: string;
let watcher: NodeHandle;

beforeAll(async () => {
  url = await createDatabase(fx.pg);
  watcher = await startNode({ url, name: 'watcher', listenHost: '127.0.0.3' });
}, 60_000);
afterAll(cleanup);

it('a node with a shared store hands over and stays one node of the cluster', async () => {
  const f = await startFulcrum({ args: ['--store', url, '--node-name', 'a', '--listen-host', '127.0.0.2'] });
  const port = await freePort();
  const created = await f.api<ServiceDto>('POST', '/api/services', { name: 'svc', listen: `127.0.0.1:${port}`, healthCheck: { type: 'none' }, backends: [{ address: `127.0.0.1:${fx.echo.port}` }] });
  expect(created.status).toBe(201);
  // --listen-host: this node serves its services on 127.0.0.2.
  const conn = await EchoConnection.open(port, '127.0.0.2');
  onCleanup(() => conn.close());
  await conn.roundTrip('before\n');

  process.kill(f.pid, 'SIGUSR2');
  const [, pid] = await f.waitFor(/hand-over done: pid (\d+) serves/);
  const successor = Number(pid);
  trackPid(successor);
  for (const child of childPids(successor)) trackPid(child);

  // A change through the same admin address is made by the successor and reaches the other node.
  // A keep-alive connection the client opened before may still reach the old process: it refuses
  // the change with 503 UPGRADE_IN_PROGRESS and Connection: close, and the retry reaches the successor.
  let renamed = await f.api<ServiceDto & { code?: string }>('PATCH', `/api/services/${created.body.id}`, { name: 'svc-after' });
  if (renamed.status === 503) {
    expect(renamed.body.code).toBe('UPGRADE_IN_PROGRESS');
    renamed = await f.api<ServiceDto & { code?: string }>('PATCH', `/api/services/${created.body.id}`, { name: 'svc-after' });
  }
  expect(renamed.status).toBe(200);
  // (Node a's FULCRUM_ADMIN_TOKEN became the cluster's admin token when it joined.)
  const fromWatcher = async (path: string): Promise<unknown> => (await fetch(`${watcher.admin}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  await eventually(async () => ((await fromWatcher(`/api/services/${created.body.id}`)) as ServiceDto).name === 'svc-after');
  // Still one node "a", at the newest version, as the other node sees it.
  await eventually(async () => {
    const cluster = (await fromWatcher('/api/cluster')) as ClusterDto;
    const a = cluster.nodes.filter((n) => n.name === 'a');
    return a.length === 1 && a[0]?.appliedVersion === cluster.version && a[0].state === 'in-step';
  }).catch(async (err: unknown) => {
    throw new Error(`${String(err)} ${JSON.stringify(await fromWatcher('/api/cluster'))}`);
  });
  // And it stays so while the old process drains: three heartbeats of node "a" later (one a
  // second), every one seen says in step — the draining process no longer reports its stale version.
  const seenBeats = new Set<string>();
  await eventually(async () => {
    const cluster = (await fromWatcher('/api/cluster')) as ClusterDto;
    const a = cluster.nodes.find((n) => n.name === 'a');
    expect(a?.state, JSON.stringify(cluster.nodes)).toBe('in-step');
    if (a) seenBeats.add(a.lastSeen);
    return seenBeats.size >= 4;
  }, 20_000);
  expect(await echoOnce(port, 'new', '127.0.0.2')).toBe('new');
  await conn.roundTrip('after, on the old process\n');
  conn.close();
  expect(await f.exit()).toBe(0);
}, 90_000);
