import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePostgres, SSL_REQUEST } from '../../src/health/probe-postgres.ts';
import { HOST, healthConfig, startPostgres, startReplyServer, startServer, waitFor } from './test-servers.ts';
import type { ProcessServer, TestServer } from './test-servers.ts';

const config = healthConfig({ type: 'postgres', timeoutMs: 400 });

describe('probePostgres against scripted servers', () => {
  const servers: TestServer[] = [];
  const start = async (promise: Promise<TestServer>): Promise<TestServer> => {
    const server = await promise;
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it("sends an SSLRequest and accepts 'N' and 'S'", async () => {
    const noTls = await start(startReplyServer(() => 'N'));
    expect((await probePostgres({ host: HOST, port: noTls.port }, config)).ok).toBe(true);
    expect(noTls.received[0]).toEqual(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
    expect(SSL_REQUEST.readInt32BE(4)).toBe(80877103);
    await waitFor(() => noTls.open === 0, 2000, 'the probe socket to close');

    const tls = await start(startReplyServer(() => 'S'));
    expect((await probePostgres({ host: HOST, port: tls.port }, config)).ok).toBe(true);
  });

  it('fails on any other reply and on silence', async () => {
    const redis = await start(startReplyServer(() => "-ERR unknown command '\\x00\\x00'\r\n"));
    const result = await probePostgres({ host: HOST, port: redis.port }, config);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^unexpected reply "-ERR/);

    const silent = await start(startServer());
    expect(await probePostgres({ host: HOST, port: silent.port }, config)).toEqual({ ok: false, reason: 'timeout waiting for reply' });
  });
});

describe('probePostgres against a real postgres 15', () => {
  let postgres: ProcessServer | undefined;
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 30_000);
  afterAll(async () => {
    await postgres?.stop();
  });

  it('is ok', async (ctx) => {
    if (postgres === undefined) ctx.skip('cannot run initdb as user postgres here');
    const result = await probePostgres({ host: HOST, port: postgres?.port ?? 0 }, healthConfig({ type: 'postgres', timeoutMs: 2000 }));
    expect(result.ok).toBe(true);
  });
});
