// Sending the PROXY protocol (HAProxy send-proxy / send-proxy-v2) to REAL consumers: HAProxy
// with `accept-proxy` and nginx stream with `listen … proxy_protocol` each answer with the
// client address they decoded, which must be the client's own local address and port. Health
// checks send the header too, so a backend that requires it stays up (and one checked without
// it goes down: the check really depends on the header).
import { afterEach, describe, expect, it } from 'vitest';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { HEALTH_CHECK_DEFAULTS } from '../src/config.ts';
import net from 'node:net';
import { once } from 'node:events';
import { backend, config, hasIpv6Loopback, service, startServer, waitFor } from './helpers.ts';
import { askWhoAmI, bodyOf, freePorts, haproxyEchoFrontend, startHaproxy, startNginxEcho, type Consumer } from './proxy-consumers.ts';

describe('proxyProtocol: the header reaches real consumers', () => {
  let lb: LoadBalancer | undefined;
  const consumers: Consumer[] = [];
  afterEach(async () => {
    await lb?.close();
    lb = undefined;
    for (const c of consumers.splice(0)) await c.close();
  });

  it.each(['v1', 'v2'] as const)('HAProxy accept-proxy decodes the client address (%s, IPv4)', async (version) => {
    const [hp] = await freePorts(1) as [number];
    consumers.push(await startHaproxy(haproxyEchoFrontend('fe', [`127.0.0.1:${hp}`]), [['127.0.0.1', hp]]));
    lb = createLoadBalancer();
    const svc = service([backend(hp, { proxyProtocol: version })]);
    await lb.apply(config(svc));
    const { reply, local } = await askWhoAmI(lb.listenPort(svc.id) as number);
    expect(reply).toMatch(/^HTTP\/1\.[01] 200/);
    expect(bodyOf(reply)).toBe(local);
  });

  it('the service default applies to backends without their own setting; a backend\'s "off" overrides it', async () => {
    const [hp, nx] = await freePorts(2) as [number, number];
    consumers.push(await startHaproxy(haproxyEchoFrontend('fe', [`127.0.0.1:${hp}`]), [['127.0.0.1', hp]]));
    consumers.push(await startNginxEcho([['127.0.0.1', nx]]));
    lb = createLoadBalancer();
    const inherits = service([backend(nx)], { proxyProtocol: 'v2' });
    const overrides = service([backend(hp, { proxyProtocol: 'off' })], { proxyProtocol: 'v2' });
    await lb.apply(config(inherits, overrides));
    const { reply, local } = await askWhoAmI(lb.listenPort(inherits.id) as number, '');
    expect(reply).toBe(local);
    // No header sent: HAProxy (accept-proxy) refuses the connection without answering.
    const refused = await askWhoAmI(lb.listenPort(overrides.id) as number);
    expect(refused.reply).toBe('');
  });

  it.each(['v1', 'v2'] as const)('nginx stream proxy_protocol decodes the client address (%s, IPv4 and IPv6)', async (version) => {
    const v6 = await hasIpv6Loopback();
    const [nx, nx6] = await freePorts(2) as [number, number];
    consumers.push(await startNginxEcho(v6 ? [['127.0.0.1', nx], ['::1', nx6]] : [['127.0.0.1', nx]]));
    lb = createLoadBalancer();
    const svc = service([backend(nx, { proxyProtocol: version })]);
    const svc6 = service([backend(nx6, { host: '::1', proxyProtocol: version })], { host: '::1' });
    await lb.apply(config(...(v6 ? [svc, svc6] : [svc])));
    const four = await askWhoAmI(lb.listenPort(svc.id) as number, '');
    expect(four.reply).toBe(four.local);
    if (!v6) return;
    const six = await askWhoAmI(lb.listenPort(svc6.id) as number, '', '::1');
    expect(six.local).toMatch(/^::1:\d+$/);
    expect(six.reply).toBe(six.local);
  });

  it('health checks send the header (v1 UNKNOWN, v2 LOCAL): a backend that requires it stays up, one checked without it goes down', async () => {
    const [p1, p2, p3] = await freePorts(3) as [number, number, number];
    consumers.push(await startHaproxy(haproxyEchoFrontend('fe', [`127.0.0.1:${p1}`, `127.0.0.1:${p2}`, `127.0.0.1:${p3}`]), [['127.0.0.1', p1], ['127.0.0.1', p2], ['127.0.0.1', p3]]));
    lb = createLoadBalancer();
    const svc = service(
      [backend(p1, { proxyProtocol: 'v1' }), backend(p2, { proxyProtocol: 'v2' }), backend(p3, { proxyProtocol: 'off' })],
      { healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'http', httpPath: '/', intervalMs: 200, timeoutMs: 1000, rise: 1, fall: 1, passiveFailures: 0 } },
    );
    await lb.apply(config(svc));
    const health = (): string[] => lb!.stats().services[0]!.backends.map((b) => b.health);
    await waitFor(() => !health().includes('unknown'), 'every backend checked');
    expect(health()).toEqual(['up', 'up', 'down']);
    // And they stay so over further checks.
    const passes = (): number[] => lb!.stats().services[0]!.backends.slice(0, 2).map((b) => b.check?.consecutiveSuccesses ?? 0);
    await waitFor(() => passes().every((n) => n >= 3), 'three passing checks in a row on both');
    expect(health()).toEqual(['up', 'up', 'down']);
  });

  it('a live change applies to new backend connections only: an established one keeps relaying byte-exact, without a header', async () => {
    // The backend records each connection's first bytes and echoes everything.
    const firsts: string[] = [];
    const echo = await startServer((s) => {
      s.once('data', (d: Buffer) => firsts.push(d.toString('latin1')));
      s.pipe(s);
    });
    lb = createLoadBalancer();
    const svc = service([backend(echo.port)]);
    await lb.apply(config(svc));
    const port = lb.listenPort(svc.id) as number;
    const old = net.connect({ host: '127.0.0.1', port });
    old.on('error', () => {});
    await once(old, 'connect');
    let echoed = '';
    old.on('data', (d: Buffer) => (echoed += d.toString('latin1')));
    // A bounded stream of writes on the established connection while the setting changes.
    let sent = '';
    for (let i = 0; i < 50; i++) {
      const chunk = `chunk-${i};`;
      sent += chunk;
      old.write(chunk);
      if (i === 25) await lb.apply(config({ ...svc, proxyProtocol: 'v1' }));
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => echoed === sent, 'the old connection echoed everything');
    expect(firsts[0]!.startsWith('chunk-0;')).toBe(true);
    const fresh = net.connect({ host: '127.0.0.1', port });
    fresh.on('error', () => {});
    await once(fresh, 'connect');
    fresh.write('new');
    await waitFor(() => firsts.length === 2, 'the new connection reached the backend');
    expect(firsts[1]).toMatch(new RegExp(`^PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 ${fresh.localPort} ${port}\\r\\n`));
    expect(echoed).toBe(sent);
    old.destroy();
    fresh.destroy();
    await echo.close();
  });
});
