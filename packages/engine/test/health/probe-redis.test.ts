import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeRedis } from '../../src/health/probe-redis.ts';
import { probeTcp } from '../../src/health/probe-tcp.ts';
import { HOST, ask, healthConfig, refusingPort, startRedis, startReplyServer, startServer, waitFor } from './test-servers.ts';
import type { ProcessServer, TestServer } from './test-servers.ts';

const config = healthConfig({ type: 'redis', timeoutMs: 400 });

describe('probeRedis against a real redis-server', () => {
  let redis: ProcessServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('is ok on +PONG, then still ok on -NOAUTH once a password is required', async () => {
    const result = await probeRedis({ host: HOST, port: redis.port }, config);
    expect(result.ok).toBe(true);
    expect(await ask(redis.port, 'CONFIG SET requirepass secret\r\n')).toBe('+OK\r\n');
    expect(await ask(redis.port, 'PING\r\n')).toMatch(/^-NOAUTH/);
    expect((await probeRedis({ host: HOST, port: redis.port }, config)).ok).toBe(true);
  });
});

describe('probeRedis against scripted servers', () => {
  const servers: TestServer[] = [];
  const start = async (promise: Promise<TestServer>): Promise<TestServer> => {
    const server = await promise;
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('sends PING\\r\\n and accepts a +PONG split over several packets', async () => {
    const server = await start(startServer({
      onData: (socket) => {
        socket.write('+PO');
        setTimeout(() => socket.write('NG\r\n'), 30);
      },
    }));
    expect((await probeRedis({ host: HOST, port: server.port }, config)).ok).toBe(true);
    expect(server.received[0]?.toString()).toBe('PING\r\n');
    await waitFor(() => server.open === 0, 2000, 'the probe socket to close');
  });

  it('fails on -LOADING and -ERR with the reply in the reason', async () => {
    const loading = await start(startReplyServer(() => '-LOADING Redis is loading the dataset in memory\r\n'));
    expect(await probeRedis({ host: HOST, port: loading.port }, config)).toEqual({
      ok: false,
      reason: 'unexpected reply "-LOADING Redis is loading the dataset in…"',
    });
    const err = await start(startReplyServer(() => "-ERR unknown command 'PING'\r\n"));
    expect(await probeRedis({ host: HOST, port: err.port }, config)).toEqual({ ok: false, reason: `unexpected reply "-ERR unknown command 'PING'"` });
  });

  it('a server that accepts TCP but answers PING wrong passes tcp and fails redis', async () => {
    const wrong = await start(startReplyServer(() => 'HTTP/1.1 400 Bad Request\r\n\r\n'));
    const target = { host: HOST, port: wrong.port };
    expect((await probeTcp(target, config)).ok).toBe(true);
    expect(await probeRedis(target, config)).toEqual({ ok: false, reason: 'unexpected reply "HTTP/1.1 400 Bad Request…"' });
  });

  it('reports a silent server, an early close and a refused port', async () => {
    const silent = await start(startServer());
    const started = Date.now();
    expect(await probeRedis({ host: HOST, port: silent.port }, config)).toEqual({ ok: false, reason: 'timeout waiting for reply' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    await waitFor(() => silent.open === 0, 2000, 'the timed-out socket to close');

    const closer = await start(startServer({ onData: (socket) => socket.end() }));
    expect(await probeRedis({ host: HOST, port: closer.port }, config)).toEqual({ ok: false, reason: 'connection closed without reply' });

    const port = await refusingPort();
    expect(await probeRedis({ host: HOST, port }, config)).toEqual({ ok: false, reason: 'connect refused' });
  });

  it('judges a partial line when the timeout passes', async () => {
    const partial = await start(startReplyServer(() => '-BUSY Redis is busy running a script'));
    expect(await probeRedis({ host: HOST, port: partial.port }, config)).toEqual({ ok: false, reason: 'unexpected reply "-BUSY Redis is busy running a script"' });
  });
});
