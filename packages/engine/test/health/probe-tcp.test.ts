import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeTcp } from '../../src/health/probe-tcp.ts';
import { HOST, healthConfig, refusingPort, startBlackhole, startServer, waitFor } from './test-servers.ts';
import type { TestServer } from './test-servers.ts';

describe('probeTcp', () => {
  let server: TestServer;
  let blackhole: Awaited<ReturnType<typeof startBlackhole>>;
  beforeAll(async () => {
    server = await startServer();
    blackhole = await startBlackhole();
  });
  afterAll(async () => {
    await server.close();
    await blackhole.stop();
  });

  it('is ok when the connection is accepted, and closes it', async () => {
    const started = performance.now();
    const result = await probeTcp({ host: HOST, port: server.port }, healthConfig({ timeoutMs: 1000 }));
    const elapsed = performance.now() - started;
    expect(result.ok).toBe(true);
    // A measured connect: more than nothing, no more than the call took.
    if (result.ok) {
      expect(result.latencyMs).toBeGreaterThan(0);
      expect(result.latencyMs).toBeLessThanOrEqual(elapsed);
    }
    await waitFor(() => server.accepted === 1 && server.open === 0, 2000, 'the probe to close its socket');
    expect(server.received[0]?.length).toBe(0);
  });

  it('reports a refused connect', async () => {
    const port = await refusingPort();
    expect(await probeTcp({ host: HOST, port }, healthConfig())).toEqual({ ok: false, reason: 'connect refused' });
  });

  it('reports a connect timeout within timeoutMs', async () => {
    const started = Date.now();
    const result = await probeTcp({ host: HOST, port: blackhole.port }, healthConfig({ timeoutMs: 300 }));
    expect(result).toEqual({ ok: false, reason: 'connect timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('never throws on a bad address', async () => {
    expect(await probeTcp({ host: HOST, port: 70_000 }, healthConfig())).toEqual({ ok: false, reason: 'invalid address' });
  });

  it('stops at once when aborted, destroying the socket', async () => {
    const controller = new AbortController();
    const pending = probeTcp({ host: HOST, port: blackhole.port }, healthConfig({ timeoutMs: 5000 }), controller.signal);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    expect(await pending).toEqual({ ok: false, reason: 'aborted' });
    expect(Date.now() - started).toBeLessThan(4000);
    const already = new AbortController();
    already.abort();
    expect(await probeTcp({ host: HOST, port: server.port }, healthConfig(), already.signal)).toEqual({ ok: false, reason: 'aborted' });
  });
});
