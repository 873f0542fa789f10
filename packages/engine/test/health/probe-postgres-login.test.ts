// The postgres login check's bounds against scripted servers: a server that never answers the
// startup message, one that closes, a refused port and an aborted check — each ends within the
// timeout with its socket closed. (Logins against real servers: test/roles/postgres-role.test.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import { probePostgres } from '../../src/health/probe-postgres.ts';
import { HOST, healthConfig, refusingPort, startServer, waitFor } from './test-servers.ts';
import type { TestServer } from './test-servers.ts';

const config = healthConfig({ type: 'postgres', timeoutMs: 400, role: 'primary', user: 'checker', password: 'pw' });

describe('postgres login check: bounds', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('a silent server: timeout, the socket closed, and the startup message was a login for `user`', async () => {
    const silent = await startServer();
    servers.push(silent);
    expect(await probePostgres({ host: HOST, port: silent.port }, config)).toEqual({ ok: false, reason: 'timeout waiting for reply' });
    await waitFor(() => silent.open === 0, 2000, 'the check socket to close');
    // The startup message: protocol 3.0, then user=checker (no SSLRequest with ssl: false).
    const startup = Buffer.concat(silent.received);
    expect(startup.readInt32BE(4)).toBe(196608);
    expect(startup.toString('latin1')).toContain('user\0checker\0');
    expect(startup.toString('latin1')).not.toContain('pw');
  });

  it('a server that closes at once, a refused port, an aborted check', async () => {
    const closer = await startServer({ onConnect: (s) => s.destroy() });
    servers.push(closer);
    const closed = await probePostgres({ host: HOST, port: closer.port }, config);
    expect(closed.ok).toBe(false);
    expect(await probePostgres({ host: HOST, port: await refusingPort() }, config)).toEqual({ ok: false, reason: 'connect refused' });
    const silent = await startServer();
    servers.push(silent);
    const abort = new AbortController();
    const pending = probePostgres({ host: HOST, port: silent.port }, { ...config, timeoutMs: 10_000 }, abort.signal);
    await waitFor(() => silent.open === 1, 2000, 'the check to connect');
    abort.abort();
    expect(await pending).toEqual({ ok: false, reason: 'aborted' });
    await waitFor(() => silent.open === 0, 2000, 'the aborted check socket to close');
  });
});
