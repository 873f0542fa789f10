import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthCheckType } from '../../src/config.ts';
import { probe } from '../../src/health/probe.ts';
import { HOST, healthConfig, startReplyServer } from './test-servers.ts';
import type { TestServer } from './test-servers.ts';

describe('probe dispatcher', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startReplyServer(() => '+PONG\r\n');
  });
  afterAll(async () => {
    await server.close();
  });

  it('runs the probe of the configured type', async () => {
    const target = { host: HOST, port: server.port };
    const run = (type: HealthCheckType) => probe(target, healthConfig({ type, timeoutMs: 300, expect: '+PONG', send: 'PING\\r\\n' }));
    expect((await run('tcp')).ok).toBe(true);
    expect((await run('redis')).ok).toBe(true);
    expect((await run('send-expect')).ok).toBe(true);
    expect(await run('postgres')).toEqual({ ok: false, reason: 'unexpected reply "+PONG"' });
    expect(await run('http')).toEqual({ ok: false, reason: 'unexpected reply "+PONG"' });
    expect(server.received[1]?.toString()).toBe('PING\r\n');
  });

  it("'none' is healthy without connecting; an unknown type fails without connecting", async () => {
    const before = server.accepted;
    const target = { host: HOST, port: server.port };
    expect(await probe(target, healthConfig({ type: 'none' }))).toEqual({ ok: true, latencyMs: 0 });
    expect(await probe(target, healthConfig({ type: 'bogus' as HealthCheckType }))).toEqual({ ok: false, reason: 'unknown check type "bogus"' });
    expect(server.accepted).toBe(before);
  });
});
