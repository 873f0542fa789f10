import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHttp } from '../../src/health/probe-http.ts';
import { HOST, healthConfig, startReplyServer, startServer } from './test-servers.ts';
import type { TestServer } from './test-servers.ts';

const config = healthConfig({ type: 'http', timeoutMs: 500, httpPath: '/healthz' });

describe('probeHttp', () => {
  let status = 200;
  let seen: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req);
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end('x'.repeat(100_000));
  });
  let port = 0;
  const scripted: TestServer[] = [];
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await Promise.all(scripted.map((s) => s.close()));
  });

  it('sends GET path with Host and Connection: close; 2xx and 3xx are ok by default', async () => {
    seen = [];
    status = 200;
    expect((await probeHttp({ host: HOST, port }, config)).ok).toBe(true);
    expect(seen[0]?.method).toBe('GET');
    expect(seen[0]?.url).toBe('/healthz');
    expect(seen[0]?.headers.host).toBe(`${HOST}:${port}`);
    expect(seen[0]?.headers.connection).toBe('close');
    status = 302;
    expect((await probeHttp({ host: HOST, port }, config)).ok).toBe(true);
  });

  it('fails outside the status range with the status in the reason', async () => {
    status = 503;
    expect(await probeHttp({ host: HOST, port }, config)).toEqual({ ok: false, reason: 'http status 503' });
    status = 204;
    expect(await probeHttp({ host: HOST, port }, { ...config, httpStatusMin: 200, httpStatusMax: 200 })).toEqual({ ok: false, reason: 'http status 204' });
    status = 404;
    expect((await probeHttp({ host: HOST, port }, { ...config, httpStatusMin: 200, httpStatusMax: 499 })).ok).toBe(true);
  });

  it('fails on a non-HTTP reply, on silence, and on a path that would inject headers', async () => {
    const redis = await startReplyServer(() => '-ERR wrong protocol\r\n');
    const silent = await startServer();
    scripted.push(redis, silent);
    expect(await probeHttp({ host: HOST, port: redis.port }, config)).toEqual({ ok: false, reason: 'unexpected reply "-ERR wrong protocol"' });
    expect(await probeHttp({ host: HOST, port: silent.port }, config)).toEqual({ ok: false, reason: 'timeout waiting for reply' });
    expect(await probeHttp({ host: HOST, port }, { ...config, httpPath: '/x HTTP/1.1\r\nX: y' })).toEqual({ ok: false, reason: 'invalid http path' });
  });

  it('reads the status line even when it arrives in pieces', async () => {
    const slow = await startServer({
      onData: (socket) => {
        if (socket.bytesWritten > 0) return;
        socket.write('HTTP/1.1 2');
        setTimeout(() => socket.write('00 OK\r\n\r\n'), 30);
      },
    });
    scripted.push(slow);
    expect((await probeHttp({ host: HOST, port: slow.port }, config)).ok).toBe(true);
  });
});
