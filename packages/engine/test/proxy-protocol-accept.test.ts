// Accepting the PROXY protocol (acceptProxyProtocol.from): clients behind a real sender
// (HAProxy send-proxy / send-proxy-v2) or sending a header built by our encoder are served as
// the address the header names — what the backend is told (a real HAProxy accept-proxy
// consumer echoes it), what source-ip-hash hashes, what allow/deny screens and what the close
// report says. Untrusted peers, malformed headers and silence are closed and counted. Every case
// runs on both relays.
import { afterEach, describe, expect, it } from 'vitest';
import { noRejections } from '@fulcrum/shared/enums';
import { CLIENT_LIMITS_DEFAULTS } from '@fulcrum/shared/defaults';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { connectionCloseChannel, type ConnectionCloseMessage } from '../src/diagnostics.ts';
import { encodeProxyHeader } from '../src/proxy-protocol/encode-header.ts';
import { PROXY_HEADER_TIMEOUT_MS } from '../src/proxy-protocol/header-reader.ts';
import { backend, config, exchange, service, startEcho, startServer, waitFor, type TestServer } from './helpers.ts';
import { askWhoAmI, bodyOf, freePorts, haproxyEchoFrontend, startHaproxy, type Consumer } from './proxy-consumers.ts';

const TRUST_LOOPBACK = { from: ['127.0.0.0/8', '::1'] };
const header = (v: 'v1' | 'v2', address: string, port: number): string => encodeProxyHeader(v, { address, port }, { address: '127.0.0.1', port: 6380 });

/** Opens a connection, writes `data` (latin1), and resolves with everything received until the close. */
async function roundTrip(port: number, data: string): Promise<string> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await once(s, 'connect');
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  if (data !== '') s.write(Buffer.from(data, 'latin1'));
  await Promise.race([once(s, 'close'), new Promise((_, reject) => setTimeout(() => reject(new Error('not closed within 8 s')), 8000).unref())]);
  return Buffer.concat(chunks).toString('latin1');
}

// Both relays: the header is a preface read, which each relay implements (ConnectionIo.readPreface).
describe.each(['native', 'socket'] as const)('acceptProxyProtocol (%s relay)', (relay) => {
  let lb: LoadBalancer | undefined;
  const servers: TestServer[] = [];
  const consumers: Consumer[] = [];
  afterEach(async () => {
    // Not vacuous: the relay asked for is the one that ran.
    if (lb?.relay != null) expect(lb.relay.relay).toBe(relay);
    await lb?.close();
    lb = undefined;
    for (const s of servers.splice(0)) await s.close();
    for (const c of consumers.splice(0)) await c.close();
  });

  async function echoConsumer(): Promise<number> {
    const [port] = await freePorts(1) as [number];
    consumers.push(await startHaproxy(haproxyEchoFrontend('who', [`127.0.0.1:${port}`]), [['127.0.0.1', port]]));
    return port;
  }

  it.each([
    ['v1', '203.0.113.9', 4242],
    ['v2', '203.0.113.9', 4242],
    ['v2', '2001:db8::7', 65000],
  ] as const)('serves a %s header from our encoder as %s: the backend is told that address, the close report names it', async (version, address, port) => {
    const who = await echoConsumer();
    lb = createLoadBalancer({ relay });
    const svc = service([backend(who, { proxyProtocol: 'v1' })], { acceptProxyProtocol: TRUST_LOOPBACK });
    await lb.apply(config(svc));
    const reports: ConnectionCloseMessage[] = [];
    const onClose = (m: unknown): void => void reports.push(m as ConnectionCloseMessage);
    connectionCloseChannel.subscribe(onClose);
    try {
      // Header and request in one write: the request bytes after the header reach the backend.
      const reply = await roundTrip(lb.listenPort(svc.id) as number, header(version, address, port) + 'GET / HTTP/1.0\r\n\r\n');
      expect(bodyOf(reply)).toBe(`${address}:${port}`);
      await waitFor(() => reports.length === 1, 'the close report');
      expect(reports[0]!.client).toBe(`${address}:${port}`);
    } finally {
      connectionCloseChannel.unsubscribe(onClose);
    }
  });

  it.each(['send-proxy', 'send-proxy-v2'])('serves clients behind a real HAProxy (%s) as themselves', async (send) => {
    const who = await echoConsumer();
    lb = createLoadBalancer({ relay });
    const svc = service([backend(who, { proxyProtocol: 'v2' })], { acceptProxyProtocol: { from: ['127.0.0.1/32'] } });
    await lb.apply(config(svc));
    const [front] = await freePorts(1) as [number];
    consumers.push(await startHaproxy([
      'listen front', '  mode tcp', `  bind 127.0.0.1:${front}`, `  server fulcrum 127.0.0.1:${lb.listenPort(svc.id)} ${send}`, '',
    ].join('\n'), [['127.0.0.1', front]]));
    const { reply, local } = await askWhoAmI(front);
    expect(bodyOf(reply)).toBe(local);
  });

  it('forwards the bytes after the header untouched, and never the header itself', async () => {
    const received: Buffer[] = [];
    const echo = await startServer((s) => s.on('data', (d: Buffer) => {
      received.push(d);
      s.write(d);
      s.end();
    }));
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port)], { acceptProxyProtocol: TRUST_LOOPBACK });
    await lb.apply(config(svc));
    const payload = '\x00\xffbinary\r\nPROXY after';
    const reply = await roundTrip(lb.listenPort(svc.id) as number, header('v2', '198.51.100.4', 1) + payload);
    expect(reply).toBe(payload);
    expect(Buffer.concat(received).toString('latin1')).toBe(payload);
  });

  it('relays 4 MiB written with the header and a half-close byte-exact: nothing read after the header is lost', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port)], { acceptProxyProtocol: TRUST_LOOPBACK });
    await lb.apply(config(svc));
    // The header's read brings some of the payload; the rest (and the FIN) come while the backend connects.
    const payload = randomBytes(4 * 1024 * 1024);
    const got = await exchange(lb.listenPort(svc.id) as number, Buffer.concat([Buffer.from(header('v1', '198.51.100.5', 2), 'latin1'), payload]));
    expect(got.length).toBe(payload.length);
    expect(got.equals(payload)).toBe(true);
    await waitFor(() => lb!.stats().services[0]!.active === 0, 'connection teardown');
    expect(lb.stats().services[0]!.backends[0]!.bytesIn).toBe(payload.length);
  });

  it('source-ip-hash hashes the decoded address', async () => {
    const named = async (name: string): Promise<TestServer> => {
      const s = await startServer((sock) => sock.end(name));
      servers.push(s);
      return s;
    };
    const a = await named('a');
    const b = await named('b');
    lb = createLoadBalancer({ relay });
    const svc = service([backend(a.port), backend(b.port)], { strategy: 'source-ip-hash', acceptProxyProtocol: TRUST_LOOPBACK });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const picks = new Map<string, string>();
    for (let i = 1; i <= 24; i++) picks.set(`198.51.100.${i}`, await roundTrip(port, header('v1', `198.51.100.${i}`, 1000 + i)));
    // Every real connection comes from 127.0.0.1, so only the decoded address can spread them.
    expect(new Set(picks.values())).toEqual(new Set(['a', 'b']));
    for (const [address, pick] of [...picks].slice(0, 6)) expect(await roundTrip(port, header('v2', address, 9))).toBe(pick);
  });

  it('allow/deny screen the decoded address', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port)], { acceptProxyProtocol: TRUST_LOOPBACK, deny: ['203.0.113.0/24'] });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    expect(await roundTrip(port, header('v1', '203.0.113.9', 1))).toBe('');
    expect(lb.stats().services[0]!.rejectedByReason.denied).toBe(1);
    expect(echo.accepted).toBe(0);
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    await once(s, 'connect');
    s.write(header('v1', '198.51.100.1', 1) + 'ping');
    const [data] = await once(s, 'data') as [Buffer];
    expect(String(data)).toBe('ping');
    s.destroy();
    expect(echo.accepted).toBe(1);
  });

  it('limits count the decoded client: all peers are the balancer, each named client has its own allowance', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port)], { acceptProxyProtocol: TRUST_LOOPBACK, limits: { ...CLIENT_LIMITS_DEFAULTS, perClientConnections: 1 } });
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    // One open connection on behalf of 203.0.113.7 (the peer is 127.0.0.1, like every other).
    const held = net.connect({ host: '127.0.0.1', port });
    held.on('error', () => {});
    await once(held, 'connect');
    held.write(header('v2', '203.0.113.7', 1) + 'held', 'latin1');
    expect(String((await once(held, 'data'))[0])).toBe('held');
    // A second one naming the same client is over its limit; another client is served.
    expect(await roundTrip(port, header('v2', '203.0.113.7', 2) + 'again')).toBe('');
    expect(lb.stats().services[0]!.rejectedByReason.perClientConnections).toBe(1);
    const other = net.connect({ host: '127.0.0.1', port });
    other.on('error', () => {});
    await once(other, 'connect');
    other.write(header('v2', '203.0.113.8', 3) + 'other', 'latin1');
    expect(String((await once(other, 'data'))[0])).toBe('other');
    other.destroy();
    held.destroy();
    expect(echo.accepted).toBe(2);
  });

  it('closes and counts peers outside `from`, malformed headers, and silence; a peer that leaves is not counted', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const untrusting = service([backend(echo.port)], { acceptProxyProtocol: { from: ['10.0.0.0/8'] } });
    const svc = service([backend(echo.port)], { acceptProxyProtocol: TRUST_LOOPBACK });
    await lb.apply(config(untrusting, svc));
    const reasons = (i: number) => lb!.stats().services[i]!.rejectedByReason;

    // Not a trusted sender: closed at accept, even with a valid header.
    expect(await roundTrip(lb.listenPort(untrusting.id) as number, header('v1', '198.51.100.1', 1) + 'ping')).toBe('');
    expect(reasons(0)['proxy-untrusted']).toBe(1);

    const port = lb.listenPort(svc.id) as number;
    for (const bad of ['PROXY TCP4 bogus 1.2.3.4 1 2\r\nping', 'GET / HTTP/1.1\r\n\r\n', `${header('v2', '1.2.3.4', 1).slice(0, 13)}\x12\x00\x0c${'\x00'.repeat(12)}`]) {
      expect(await roundTrip(port, bad)).toBe('');
    }
    expect(reasons(1)['proxy-invalid']).toBe(3);

    // Silence, and half a header then silence: closed after the header timeout.
    const started = performance.now();
    const [silent, half] = await Promise.all([roundTrip(port, ''), roundTrip(port, 'PROXY TCP4 1.2.3.4 ')]);
    expect([silent, half]).toEqual(['', '']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(PROXY_HEADER_TIMEOUT_MS - 50);
    expect(reasons(1)['proxy-timeout']).toBe(2);

    // A peer that connects and leaves (a balancer's TCP check): closed, not counted.
    const quitter = net.connect({ host: '127.0.0.1', port });
    quitter.on('error', () => {});
    await once(quitter, 'connect');
    quitter.end();
    await once(quitter, 'close');
    // One more bad header after it, so the quitter's FIN has surely been handled when this is counted.
    expect(await roundTrip(port, 'nonsense')).toBe('');
    await waitFor(() => reasons(1)['proxy-invalid'] === 4, 'the last bad header counted');
    expect(reasons(1)).toEqual({ ...noRejections(), 'proxy-invalid': 4, 'proxy-timeout': 2 });
    expect(echo.accepted).toBe(0);
  });
});
