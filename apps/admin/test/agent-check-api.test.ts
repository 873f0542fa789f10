// agentCheck through the API against a real agent (a node:net server answering one line) and real
// backends: validated (400 naming the field, nothing changed), persisted, live via PATCH, in the
// config document and its import, in stats, the event log and /metrics.
import net from 'node:net';
import { rmSync } from 'node:fs';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody, ConfigDocument, EventDto, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { TestApp, TcpServer } from './helpers.ts';
import { api, eventually, freePort, startApp, startTcpServer, untouched } from './helpers.ts';

interface Agent {
  port: number;
  line: string;
  close(): Promise<void>;
}

async function startAgent(line: string): Promise<Agent> {
  const agent = { port: 0, line, close: async () => {} };
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.end(`${agent.line}\n`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  agent.port = (server.address() as net.AddressInfo).port;
  agent.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return agent;
}

let t: TestApp;
let svc: ServiceDto;
let agent: Agent;
const servers: TcpServer[] = [];
/** Data dirs of apps restarted in place (startApp removes only the temp dir it made). */
const reopened: string[] = [];

const stats = async () => (await api(t.app, 'GET', '/api/stats')).json<StatsDto>().services.find((s) => s.id === svc.id)!;
const backendStats = async (i: number) => (await stats()).backends.find((b) => b.id === svc.backends[i]!.id)!;
/** The name of the backend a new client reaches (each backend writes its name first). */
async function reach(port: number): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  const [data] = (await once(socket, 'data')) as [Buffer];
  socket.destroy();
  return data.toString();
}

beforeEach(async () => {
  t = await startApp();
  agent = await startAgent('drain # deploy 7');
  for (const name of ['A', 'B']) servers.push(await startTcpServer((s) => s.end(name)));
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'web',
    listen: `127.0.0.1:${await freePort()}`,
    strategy: 'round-robin',
    healthCheck: { type: 'none' },
    backends: servers.map((s) => ({ address: `127.0.0.1:${s.port}` })),
  });
  expect(res.statusCode).toBe(201);
  svc = res.json<ServiceDto>();
  expect(svc.agentCheck).toBeNull();
});

afterEach(async () => {
  await t.close();
  await agent.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const dir of reopened.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('agentCheck through the API', () => {
  it('a PATCH turns it on live (the default interval filled in), persists it, and the agent drains the backend', async () => {
    expect((await backendStats(0)).agent).toBeNull();
    const res = await api(t.app, 'PATCH', `/api/services/${svc.id}/backends/${svc.backends[0]!.id}`, { agentCheck: { port: agent.port } });
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceDto['backends'][number]>().agentCheck).toEqual({ port: agent.port, intervalMs: 2000 });
    expect(t.store.readServices()[0]!.backends[0]!.agentCheck).toEqual({ port: agent.port, intervalMs: 2000 });
    expect(t.engine.config.services[0]!.backends[0]!.agentCheck).toEqual({ port: agent.port, intervalMs: 2000 });

    const view = await eventually(async () => {
      const b = await backendStats(0);
      return b.agent?.state === 'drain' ? b : undefined;
    });
    expect(view.agent).toMatchObject({ state: 'drain', weightPercent: null, reason: 'deploy 7', error: null });
    expect(view.effectiveWeight).toBe(0);
    expect((await backendStats(1)).agent).toBeNull();
    const port = Number(svc.listen.split(':')[1]);
    for (let i = 0; i < 4; i++) expect(await reach(port)).toBe('B');

    const events = await eventually(async () => {
      const page = (await api(t.app, 'GET', '/api/events?kind=backend-agent')).json<{ events: EventDto[] }>();
      return page.events.length > 0 ? page.events : undefined;
    });
    expect(events[0]).toMatchObject({ kind: 'backend-agent', actor: 'engine', backendId: svc.backends[0]!.id });
    expect(events[0]!.message).toContain('agent says drain (deploy 7)');

    const metrics = (await api(t.app, 'GET', '/metrics')).body;
    expect(metrics).toContain(`fulcrum_backend_agent_state{service="web",backend="127.0.0.1:${servers[0]!.port}",state="drain"} 1`);
    expect(metrics).toContain(`fulcrum_backend_agent_answering{service="web",backend="127.0.0.1:${servers[0]!.port}"} 1`);
    expect(metrics).not.toContain(`fulcrum_backend_agent_answering{service="web",backend="127.0.0.1:${servers[1]!.port}"}`);

    // Off again (null): the backend takes connections at once.
    const off = await api(t.app, 'PATCH', `/api/services/${svc.id}/backends/${svc.backends[0]!.id}`, { agentCheck: null });
    expect(off.statusCode).toBe(200);
    expect((await backendStats(0)).agent).toBeNull();
    expect((await backendStats(0)).effectiveWeight).toBe(1);
    const reached = new Set<string>();
    for (let i = 0; i < 4; i++) reached.add(await reach(port));
    expect([...reached].sort()).toEqual(['A', 'B']);
  });

  it('the service-level check covers every backend; it is in the config document (JSON and YAML) and imports back', async () => {
    const res = await api(t.app, 'PATCH', `/api/services/${svc.id}`, { agentCheck: { port: agent.port, intervalMs: 150 } });
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceDto>().agentCheck).toEqual({ port: agent.port, intervalMs: 150 });
    await eventually(async () => (await stats()).backends.every((b) => b.agent?.state === 'drain'));

    const doc = (await api(t.app, 'GET', '/api/config')).json<ConfigDocument>();
    expect(doc.services[0]!.agentCheck).toEqual({ port: agent.port, intervalMs: 150 });
    expect(doc.services[0]!.backends[0]!.agentCheck).toBeNull();
    const yaml = (await api(t.app, 'GET', '/api/config?format=yaml')).body;
    expect(yaml).toContain(`agentCheck:\n      port: ${agent.port}\n      intervalMs: 150`);

    // Import: a backend overrides the service's; the document is the whole truth.
    doc.services[0]!.backends[1]!.agentCheck = { port: agent.port, intervalMs: 300 };
    doc.services[0]!.agentCheck = null;
    const put = await api(t.app, 'PUT', '/api/config', doc);
    expect(put.statusCode).toBe(200);
    const after = t.store.readServices()[0]!;
    expect(after.agentCheck).toBeNull();
    expect(after.backends.map((b) => b.agentCheck)).toEqual([null, { port: agent.port, intervalMs: 300 }]);
    expect((await backendStats(0)).agent).toBeNull();
  });

  it('survives a restart: the engine comes back with the stored agent checks', async () => {
    await api(t.app, 'PATCH', `/api/services/${svc.id}`, { agentCheck: { port: agent.port, intervalMs: 250 } });
    await api(t.app, 'PATCH', `/api/services/${svc.id}/backends/${svc.backends[1]!.id}`, { agentCheck: { port: agent.port, intervalMs: 400 } });
    const dir = t.dir;
    await t.close({ keepDir: true });
    t = await startApp({ dir });
    reopened.push(dir);
    const engine = t.engine.config.services[0]!;
    expect(engine.agentCheck).toEqual({ port: agent.port, intervalMs: 250 });
    expect(engine.backends.map((b) => b.agentCheck)).toEqual([null, { port: agent.port, intervalMs: 400 }]);
    await eventually(async () => (await stats()).backends.every((b) => b.agent?.state === 'drain'));
  });

  it.each([
    [{ agentCheck: { port: 70000 } }, 'agentCheck.port'],
    [{ agentCheck: { port: 0 } }, 'agentCheck.port'],
    [{ agentCheck: { port: 9777, intervalMs: 50 } }, 'agentCheck.intervalMs'],
    [{ agentCheck: { port: 9777, intervalMs: 1.5 } }, 'agentCheck.intervalMs'],
    [{ agentCheck: { port: 9777, send: 'hello' } }, 'agentCheck.send'],
    [{ agentCheck: { intervalMs: 1000 } }, 'agentCheck.port'],
    [{ agentCheck: 'on' }, 'agentCheck'],
  ])('%j is a 400 naming %s, and nothing changed', async (body, field) => {
    const before = untouched(t);
    for (const url of [`/api/services/${svc.id}`, `/api/services/${svc.id}/backends/${svc.backends[0]!.id}`]) {
      const res = await api(t.app, 'PATCH', url, body);
      expect(res.statusCode).toBe(400);
      expect(res.json<ApiErrorBody>()).toMatchObject({ code: 'VALIDATION_ERROR', field });
    }
    const doc = (await api(t.app, 'GET', '/api/config')).json<ConfigDocument>();
    const put = await api(t.app, 'PUT', '/api/config', { ...doc, services: [{ ...doc.services[0]!, ...body }] });
    expect(put.statusCode).toBe(400);
    expect(put.json<ApiErrorBody>().field).toBe(`services[0].${field}`);
    expect(untouched(t)).toEqual(before);
  });
});
