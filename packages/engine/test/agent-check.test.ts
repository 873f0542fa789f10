// Agent checks against real agents: a node:net server per backend host that answers one line
// (changed during the test), next to real backends that name themselves on connect.
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import type { BackendAgentEvent } from '../src/events.ts';
import type { BackendConfig, ServiceConfig } from '../src/config.ts';
import type { BackendStats } from '../src/stats.ts';
import { backend, config, connect, deadPort, nextData, service, startServer, waitFor, type TestServer } from './helpers.ts';

/** An agent: answers `line` to every connection, then closes (HAProxy agents do the same). */
interface Agent {
  port: number;
  line: string;
  polls: number;
  close(): Promise<void>;
}

async function startAgent(line: string, port = 0): Promise<Agent> {
  const sockets = new Set<net.Socket>();
  const agent = { port: 0, line, polls: 0, close: async () => {} };
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    agent.polls++;
    s.end(`${agent.line}\n`);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  agent.port = (server.address() as net.AddressInfo).port;
  agent.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return agent;
}

/** A backend that writes its name to every client, then echoes. */
const named = (name: string): Promise<TestServer> =>
  startServer((s) => {
    s.write(name);
    s.pipe(s);
  });

describe('agent checks in the data plane', () => {
  let lb: LoadBalancer;
  const closers: (() => Promise<void>)[] = [];
  const clients: net.Socket[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await lb?.close();
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  async function setUp(lineA: string, opts: { weight?: number; strategy?: ServiceConfig['strategy'] } = {}) {
    const [a, b] = await Promise.all([named('A'), named('B')]);
    const agent = await startAgent(lineA);
    closers.push(() => a.close(), () => b.close(), () => agent.close());
    const weight = opts.weight ?? 1;
    const bA: BackendConfig = backend(a.port, { weight, agentCheck: { port: agent.port, intervalMs: 100 } });
    const bB: BackendConfig = backend(b.port, { weight });
    const svc = service([bA, bB], { strategy: opts.strategy ?? 'weighted-round-robin' });
    lb = createLoadBalancer();
    const events: BackendAgentEvent[] = [];
    lb.on('backend-agent', (e) => events.push(e));
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const stat = (id: number): BackendStats => lb.stats().services[0]!.backends.find((x) => x.id === id)!;
    /** Opens a client and returns the name of the backend it reached (the client stays open). */
    const open = async (): Promise<{ name: string; socket: net.Socket }> => {
      const socket = await connect(port);
      clients.push(socket);
      return { name: (await nextData(socket)).toString(), socket };
    };
    /** Opens and closes `n` clients one after the other; counts where they went. */
    const spread = async (n: number): Promise<Record<string, number>> => {
      const counts: Record<string, number> = {};
      for (let i = 0; i < n; i++) {
        const { name, socket } = await open();
        counts[name] = (counts[name] ?? 0) + 1;
        socket.destroy();
      }
      return counts;
    };
    const agentSays = async (line: string, check: (s: BackendStats) => boolean, what: string): Promise<void> => {
      agent.line = line;
      await waitFor(() => check(stat(bA.id)), what, 5000);
    };
    return { svc, bA, bB, agent, events, stat, open, spread, agentSays };
  }

  it('drain stops new connections to the backend but keeps the established ones; ready brings it back', async () => {
    const t = await setUp('up');
    await waitFor(() => t.stat(t.bA.id).agent?.state === 'up', 'agent says up');
    const first = await t.open();
    const second = await t.open();
    const onA = first.name === 'A' ? first.socket : second.socket;
    expect([first.name, second.name].sort()).toEqual(['A', 'B']);

    await t.agentSays('drain # deploy 42', (s) => s.agent?.state === 'drain' && s.effectiveWeight === 0, 'agent says drain');
    expect(t.stat(t.bA.id).agent).toMatchObject({ state: 'drain', reason: 'deploy 42', error: null });
    expect(await t.spread(10)).toEqual({ B: 10 });
    // The established connection to A still carries bytes both ways.
    onA.write('still here');
    expect((await nextData(onA)).toString()).toBe('still here');
    expect(t.stat(t.bA.id).active).toBe(1);
    const drained = t.events.find((e) => e.to === 'drain');
    expect(drained).toMatchObject({ from: 'up', backendId: t.bA.id, reason: 'deploy 42', effectiveWeight: 0 });

    await t.agentSays('ready', (s) => s.agent?.state === 'ready' && s.effectiveWeight === 1, 'agent says ready');
    expect((await t.spread(10)).A).toBe(5);
    // One event per change, none per poll: up → drain → ready, and two more polls of the same
    // answer add nothing.
    const polled = t.agent.polls;
    await waitFor(() => t.agent.polls >= polled + 2, 'two more polls of the same answer');
    expect(t.events.map((e) => e.to)).toEqual(['up', 'drain', 'ready']);
  });

  it('75% lowers the share of picks under weighted round robin (weights 4:4 → 3:4)', async () => {
    const t = await setUp('up', { weight: 4 });
    await waitFor(() => t.stat(t.bA.id).agent?.state === 'up', 'agent says up');
    expect(await t.spread(40)).toEqual({ A: 20, B: 20 });
    await t.agentSays('75%', (s) => s.agent?.weightPercent === 75 && s.effectiveWeight === 3, 'agent says 75%');
    const counts = await t.spread(70);
    // Smooth weighted round robin is exact over a full cycle of 7: 3 of every 7 go to A.
    expect(counts).toEqual({ A: 30, B: 40 });
    expect(t.stat(t.bA.id).weight).toBe(4);
  });

  it('down and maint take the backend out; up and ready (respectively) bring it back', async () => {
    const t = await setUp('up');
    await waitFor(() => t.stat(t.bA.id).agent?.state === 'up', 'agent says up');
    await t.agentSays('down # disk full', (s) => s.agent?.state === 'down', 'agent says down');
    expect(await t.spread(6)).toEqual({ B: 6 });
    // ready does not undo down (HAProxy: only up does).
    await t.agentSays('ready', (s) => s.agent?.lastAt !== null && s.agent!.reason === null, 'agent says ready');
    expect(t.stat(t.bA.id).agent?.state).toBe('down');
    expect(await t.spread(4)).toEqual({ B: 4 });
    await t.agentSays('up', (s) => s.agent?.state === 'up' && s.effectiveWeight === 1, 'agent says up');
    expect((await t.spread(6)).A).toBe(3);
    await t.agentSays('maint', (s) => s.agent?.state === 'maint', 'agent says maint');
    expect(await t.spread(6)).toEqual({ B: 6 });
    await t.agentSays('ready', (s) => s.agent?.state === 'ready' && s.effectiveWeight === 1, 'agent says ready');
    expect((await t.spread(6)).A).toBe(3);
    // The health check never saw any of it: the agent's word is on top, not instead.
    expect(t.stat(t.bA.id).health).toBe('up');
  });

  it('an unreachable agent changes nothing: its last word stays in force and the error is shown', async () => {
    const t = await setUp('drain');
    await waitFor(() => t.stat(t.bA.id).agent?.state === 'drain', 'agent says drain');
    const port = t.agent.port;
    await t.agent.close();
    await waitFor(() => t.stat(t.bA.id).agent?.error === 'connect refused', 'agent unreachable');
    expect(t.stat(t.bA.id).agent?.state).toBe('drain');
    expect(await t.spread(4)).toEqual({ B: 4 });
    const lost = t.events.at(-1)!;
    expect(lost).toMatchObject({ from: 'drain', to: 'drain', error: 'connect refused' });

    const back = await startAgent('ready', port);
    closers.push(() => back.close());
    await waitFor(() => t.stat(t.bA.id).agent?.state === 'ready' && t.stat(t.bA.id).agent?.error === null, 'agent back, ready');
    expect((await t.spread(4)).A).toBe(2);
  });

  it('an agent that never answered leaves the backend as configured', async () => {
    const [a, b] = await Promise.all([named('A'), named('B')]);
    closers.push(() => a.close(), () => b.close());
    const bA = backend(a.port, { agentCheck: { port: await deadPort(), intervalMs: 100 } });
    const svc = service([bA, backend(b.port)], { strategy: 'round-robin' });
    lb = createLoadBalancer();
    await lb.apply(config(svc));
    const stat = (): BackendStats => lb.stats().services[0]!.backends.find((x) => x.id === bA.id)!;
    await waitFor(() => stat().agent?.error === 'connect refused', 'agent unreachable');
    expect(stat().agent).toMatchObject({ state: null, weightPercent: null, lastAt: null });
    expect(stat().effectiveWeight).toBe(1);
  });

  it('the service-level check applies to every backend, a backend value overrides it, and a live change takes effect', async () => {
    const t = await setUp('drain', { strategy: 'round-robin' });
    await waitFor(() => t.stat(t.bA.id).agent?.state === 'drain', 'agent says drain');
    expect(t.stat(t.bB.id).agent).toBeNull();
    // The service's agent (saying maint) now applies to B; A keeps its own agent.
    const other = await startAgent('maint # patching');
    closers.push(() => other.close());
    await lb.apply(config({ ...t.svc, agentCheck: { port: other.port, intervalMs: 100 } }));
    await waitFor(() => t.stat(t.bB.id).agent?.state === 'maint', 'service agent applies to B');
    expect(t.stat(t.bA.id).agent?.state).toBe('drain');
    // Agent checks off: both backends take connections again at once, their agents are forgotten.
    const { agentCheck: _a, ...bA } = t.bA;
    await lb.apply(config({ ...t.svc, agentCheck: null, backends: [bA, t.bB] }));
    expect(t.stat(t.bA.id).agent).toBeNull();
    expect(t.stat(t.bB.id).agent).toBeNull();
    expect(t.stat(t.bA.id).effectiveWeight).toBe(1);
    expect((await t.spread(4)).A).toBe(2);
  });
});
