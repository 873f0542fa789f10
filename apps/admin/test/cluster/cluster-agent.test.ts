// Agent checks with `--workers 2`: every worker asks the agent itself and follows it; the merged
// stats show the agent's view, and each change is logged once, not once per worker.
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventDto } from '@fulcrum/shared/api';
import { eventually, startEchoServer } from '../helpers.ts';
import type { TcpServer } from '../helpers.ts';
import { cleanup, createService, echoOnce, onCleanup, startFulcrum } from './harness.ts';
import type { Fulcrum } from './harness.ts';

let f: Fulcrum;
let a: TcpServer;
let b: TcpServer;
const agent = { line: 'drain # deploying', polls: 0, port: 0 };

beforeAll(async () => {
  [a, b] = await Promise.all([startEchoServer(), startEchoServer()]);
  onCleanup(() => a.close());
  onCleanup(() => b.close());
  const server = net.createServer((s) => {
    s.on('error', () => {});
    agent.polls++;
    s.end(`${agent.line}\n`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  agent.port = (server.address() as net.AddressInfo).port;
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  f = await startFulcrum({ workers: 2 });
}, 60_000);

afterAll(cleanup);

/** Waits until the agent was asked `n` more times: with two workers polling every 100 ms, each has asked since. */
async function morePolls(n: number): Promise<void> {
  const target = agent.polls + n;
  await eventually(() => agent.polls >= target);
}

it('every worker follows the agent; the merged stats show its view; each change is one event', async () => {
  const { service, port } = await createService(f, [a.port, b.port], { strategy: 'round-robin' });
  const patched = await f.api('PATCH', `/api/services/${service.id}/backends/${service.backends[0]!.id}`, { agentCheck: { port: agent.port, intervalMs: 100 } });
  expect(patched.status).toBe(200);
  const addressA = `127.0.0.1:${a.port}`;
  const stat = async () => (await f.stats()).services.find((s) => s.id === service.id)!.backends.find((x) => x.address === addressA)!;

  await eventually(async () => (await stat()).agent?.state === 'drain');
  await morePolls(6);
  const before = (await stat()).total;
  for (let i = 0; i < 20; i++) expect(await echoOnce(port, `agent ${i}`)).toBe(`agent ${i}`);
  await eventually(async () => (await f.stats()).services.find((s) => s.id === service.id)!.total >= 20);
  expect((await stat()).total).toBe(before);
  expect((await stat()).agent).toMatchObject({ state: 'drain', reason: 'deploying', error: null });

  agent.line = 'ready';
  await eventually(async () => (await stat()).agent?.state === 'ready');
  await morePolls(6);
  for (let i = 0; i < 20; i++) expect(await echoOnce(port, `agent ${i}`)).toBe(`agent ${i}`);
  await eventually(async () => (await stat()).total > before);

  const events = await eventually(async () => {
    const page = (await f.api<{ events: EventDto[] }>('GET', '/api/events?kind=backend-agent&limit=100')).body.events;
    const mine = page.filter((e) => e.serviceId === service.id);
    return mine.some((e) => e.details.to === 'ready') ? mine : undefined;
  });
  expect(events.filter((e) => e.details.to === 'drain')).toHaveLength(1);
  expect(events.filter((e) => e.details.to === 'ready')).toHaveLength(1);
}, 60_000);
