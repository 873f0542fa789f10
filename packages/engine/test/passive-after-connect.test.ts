// Passive health counts what README promises — "refused, timeout, reset before any byte" — also
// when the connect itself worked: a backend that accepts and then resets (or closes on a client
// waiting for its answer) before sending a byte is ejected after `passiveFailures` such
// connections. Real backends on loopback; nothing is mocked.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import type { BackendHealthEvent } from '../src/events.ts';
import { HEALTH_CHECK_DEFAULTS } from '../src/config.ts';
import { backend, config, service, startEcho, startServer, waitFor, type TestServer } from './helpers.ts';

/** One client: sends `payload`, resolves with what came back before the connection ended. */
function attempt(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => s.write(payload));
    s.on('data', (d) => {
      got += String(d);
      if (got.length >= payload.length) s.destroy();
      if (s.destroyed) resolve(got);
    });
    s.on('error', () => {});
    s.on('close', () => resolve(got));
  });
}

// Both relays (README "Node releases"): the native one and the net.Socket fallback.
describe.each(['native', 'socket'] as const)('passive failures after the connect (%s relay)', (relay) => {
  let lb: LoadBalancer;
  const servers: TestServer[] = [];
  afterEach(async () => {
    await lb?.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  /** A service over a good echo backend and `bad`; no active checks, 3 passive failures eject for a minute. */
  async function start(bad: TestServer, withGood = true): Promise<{ port: number; badId: number; events: BackendHealthEvent[] }> {
    const good = await startEcho();
    servers.push(good);
    const b = backend(bad.port);
    lb = createLoadBalancer({ relay });
    const hc = { ...HEALTH_CHECK_DEFAULTS, type: 'none' as const, intervalMs: 60_000, passiveFailures: 3 };
    const svc = service(withGood ? [backend(good.port), b] : [b], { healthCheck: hc, retries: 0, strategy: 'round-robin' });
    const events: BackendHealthEvent[] = [];
    lb.on('backend-health', (e) => events.push(e));
    await lb.apply(config(svc));
    return { port: lb.listenPort(svc.id) as number, badId: b.id, events };
  }

  const badStats = (id: number) => lb.stats().services[0]!.backends.find((x) => x.id === id)!;

  /**
   * The shape every ejection case shares: clients (at most 6) through a service over a good echo
   * backend and a bad one behaving as `onSocket`, until the bad one is down. Round-robin
   * alternates, so the bad one took exactly passiveFailures (3) of them, for `reason`.
   */
  async function expectEjected(onSocket: (s: net.Socket) => void, reason: string, what: string): Promise<{ port: number; badId: number; bad: TestServer; answers: string[] }> {
    const bad = await startServer(onSocket);
    servers.push(bad);
    const { port, badId, events } = await start(bad);
    const answers: string[] = [];
    for (let i = 0; i < 6 && badStats(badId).health !== 'down'; i++) answers.push(await attempt(port, `ping ${i}`));
    await waitFor(() => badStats(badId).health === 'down', what);
    expect(bad.accepted).toBe(3);
    expect(events.find((e) => e.backendId === badId && e.to === 'down')?.reason).toBe(`passive: 3 × ${reason}`);
    return { port, badId, bad, answers };
  }

  it('a backend that accepts and resets before its first byte is ejected after passiveFailures connections', async () => {
    // It resets when the request comes, so the connect surely completed (an instant reset can
    // beat the connect's completion and count as `connect reset`, which was always counted).
    const { port, badId, bad, answers } = await expectEjected((s) => s.once('data', () => s.resetAndDestroy()), 'reset before first byte', 'the resetting backend ejected');
    // The good one answered the others; the bad one's clients got nothing.
    expect(answers.filter((a) => a === '')).toHaveLength(3);
    // Its connects succeeded: these are not connect failures.
    expect(badStats(badId).connectFailures).toBe(0);
    // Ejected: every new client goes to the good backend.
    for (let i = 0; i < 4; i++) expect(await attempt(port, `after ${i}`)).toBe(`after ${i}`);
    expect(bad.accepted).toBe(3);
  });

  // Backends that close (FIN) before their first byte, on a client that sent a request.
  const closers: Array<{ name: string; onSocket: (s: net.Socket) => void }> = [
    { name: 'a backend that closes (FIN) on a client waiting for its answer is ejected the same way', onSocket: (s) => s.once('data', () => s.end()) },
    // A server at its client limit that drops new connections silently: its FIN may be read
    // before the client's first bytes are, so the verdict waits for what the client sent.
    { name: 'a backend that closes at once, before the client\'s request even reaches it, is ejected too', onSocket: (s) => s.end() },
  ];
  for (const { name, onSocket } of closers) {
    it(name, async () => {
      await expectEjected(onSocket, 'closed before first byte', 'the closing backend ejected');
    });
  }

  it('a backend that closes a connection whose client never sent anything is not blamed', async () => {
    const bad = await startServer((s) => s.end());
    servers.push(bad);
    // Alone: a client that says nothing would wait on the echo backend forever.
    const { port, badId } = await start(bad, false);
    for (let i = 0; i < 8; i++) {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('error', () => {});
      s.resume();
      await new Promise((r) => s.on('close', r));
    }
    await waitFor(() => lb.stats().services[0]!.active === 0, 'every connection ended');
    expect(bad.accepted).toBe(8);
    expect(badStats(badId).health).toBe('up');
  });

  it('a backend that answers before it resets is not a failure', async () => {
    const bad = await startServer((s) => s.once('data', (d) => s.write(d, () => setImmediate(() => s.resetAndDestroy()))));
    servers.push(bad);
    const { port, badId } = await start(bad);
    for (let i = 0; i < 8; i++) expect(await attempt(port, `ping ${i}`)).toBe(`ping ${i}`);
    await waitFor(() => lb.stats().services[0]!.active === 0, 'every connection ended');
    expect(bad.accepted).toBe(4);
    expect(badStats(badId).health).toBe('up');
  });
});
