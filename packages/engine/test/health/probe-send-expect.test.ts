import { afterAll, describe, expect, it } from 'vitest';
import { probeSendExpect } from '../../src/health/probe-send-expect.ts';
import { HOST, healthConfig, startReplyServer, startServer, waitFor } from './test-servers.ts';
import type { TestServer } from './test-servers.ts';

const base = healthConfig({ type: 'send-expect', timeoutMs: 400 });

describe('probeSendExpect', () => {
  const servers: TestServer[] = [];
  const start = async (promise: Promise<TestServer>): Promise<TestServer> => {
    const server = await promise;
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('sends the decoded bytes and matches a plain expect anywhere in the reply', async () => {
    const server = await start(startReplyServer(() => 'hello\r\n+OK ready\r\n'));
    const config = { ...base, send: 'HELLO\\r\\n\\x00\\t\\\\', expect: '+OK' };
    expect((await probeSendExpect({ host: HOST, port: server.port }, config)).ok).toBe(true);
    expect(server.received[0]).toEqual(Buffer.from('HELLO\r\n\x00\t\\', 'latin1'));
    await waitFor(() => server.open === 0, 2000, 'the probe socket to close');
  });

  it('decodes escapes in a plain expect', async () => {
    const server = await start(startReplyServer(() => 'a\r\nb'));
    expect((await probeSendExpect({ host: HOST, port: server.port }, { ...base, send: 'x', expect: 'a\\r\\nb' })).ok).toBe(true);
  });

  it('matches a RegExp when expectRegex is set', async () => {
    const server = await start(startReplyServer(() => 'role:master\r\nconnected_slaves:2\r\n'));
    const target = { host: HOST, port: server.port };
    expect((await probeSendExpect(target, { ...base, send: 'INFO\\r\\n', expect: 'role:(master|slave)', expectRegex: true })).ok).toBe(true);
    expect(await probeSendExpect(target, { ...base, send: 'INFO\\r\\n', expect: '^role:slave', expectRegex: true })).toEqual({
      ok: false,
      reason: 'unexpected reply "role:master…"',
    });
  });

  it('gathers a reply split over packets and fails fast when the peer closes without a match', async () => {
    const split = await start(startServer({
      onData: (socket) => {
        socket.write('+O');
        setTimeout(() => socket.write('K\r\n'), 30);
      },
    }));
    expect((await probeSendExpect({ host: HOST, port: split.port }, { ...base, send: 'PING', expect: '+OK' })).ok).toBe(true);

    const closer = await start(startServer({ onData: (socket) => socket.end('-ERR nope\r\n') }));
    const started = Date.now();
    expect(await probeSendExpect({ host: HOST, port: closer.port }, { ...base, timeoutMs: 5000, send: 'PING', expect: '+OK' })).toEqual({
      ok: false,
      reason: 'unexpected reply "-ERR nope"',
    });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('reads a banner when send is empty; succeeds once sent when expect is empty', async () => {
    const banner = await start(startServer({ onConnect: (socket) => socket.write('220 smtp ready\r\n') }));
    expect((await probeSendExpect({ host: HOST, port: banner.port }, { ...base, send: '', expect: '220 ' })).ok).toBe(true);
    const silent = await start(startServer());
    expect((await probeSendExpect({ host: HOST, port: silent.port }, { ...base, send: 'hi', expect: '' })).ok).toBe(true);
    await waitFor(() => silent.received[0]?.toString() === 'hi', 2000, 'the bytes to arrive');
    expect(await probeSendExpect({ host: HOST, port: silent.port }, { ...base, send: 'hi', expect: 'x' })).toEqual({ ok: false, reason: 'timeout waiting for reply' });
  });

  it('reports an invalid regex without connecting', async () => {
    const server = await start(startServer());
    expect(await probeSendExpect({ host: HOST, port: server.port }, { ...base, expect: '(', expectRegex: true })).toEqual({ ok: false, reason: 'invalid expect regex' });
    expect(server.accepted).toBe(0);
  });
});
