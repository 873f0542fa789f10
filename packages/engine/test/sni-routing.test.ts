// TLS SNI passthrough routing (README "TLS SNI routing") with real TLS end to end: openssl
// s_server backends with different certificates behind one Fulcrum address, openssl s_client
// clients sending different server names. Each handshake completes with the backend its name
// routes to (the certificate subject it got), and the backend's reversed reply comes back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import { noRejections } from '@fulcrum/shared/enums';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import type { ServiceConfig } from '../src/config.ts';
import { backend, config, deadPort, service, waitFor } from './helpers.ts';
import { makeCerts, startTlsBackend, tlsClient, type CertDir, type TlsBackend } from './openssl-tls.ts';

const NAMES = ['db1.example.com', 'cache.example.com', 'default.example.com'] as const;

// Both relays: the peek is a preface read, which each relay implements (ConnectionIo.readPreface).
describe.each(['native', 'socket'] as const)('TLS SNI routing (%s relay)', (relay) => {
  let certs: CertDir;
  const backends = new Map<string, TlsBackend>();
  let lb: LoadBalancer | undefined;

  beforeAll(async () => {
    certs = await makeCerts([...NAMES]);
    for (const cn of NAMES) backends.set(cn, await startTlsBackend(certs.cert(cn)));
  });
  afterAll(async () => {
    for (const b of backends.values()) await b.stop();
    await certs?.remove();
  });
  afterEach(async () => {
    // Not vacuous: the relay asked for is the one that ran.
    if (lb?.relay != null) expect(lb.relay.relay).toBe(relay);
    await lb?.close();
    lb = undefined;
  });

  const port = (cn: string): number => (backends.get(cn) as TlsBackend).port;
  /** Three services on one address: db1 by exact name, the cache by wildcard, and the default route. */
  function shared(listen: number, withDefault = true): ServiceConfig[] {
    const out = [
      service([backend(port('db1.example.com'))], { name: 'db1', port: listen, sni: ['DB1.example.com'] }),
      service([backend(port('cache.example.com'))], { name: 'cache', port: listen, sni: ['*.cache.example.com'] }),
    ];
    if (withDefault) out.push(service([backend(port('default.example.com'))], { name: 'default', port: listen }));
    return out;
  }

  /** Connects with `serverName`, completes the handshake, and answers whose certificate it got and the backend's reply. */
  async function land(listen: number, serverName: string | null): Promise<{ subject: string; reply: string }> {
    const c = tlsClient(listen, serverName);
    try {
      return { subject: await c.subject(), reply: await c.roundTrip('hello') };
    } finally {
      await c.close();
    }
  }

  it('routes each server name to its service; no name and unknown names go to the default route', async () => {
    lb = createLoadBalancer({ relay });
    const listen = await deadPort();
    await lb.apply(config(...shared(listen)));
    expect(await land(listen, 'db1.example.com')).toEqual({ subject: 'CN = db1.example.com', reply: 'olleh' });
    expect(await land(listen, 'Shard7.Cache.Example.com')).toEqual({ subject: 'CN = cache.example.com', reply: 'olleh' });
    expect(await land(listen, null)).toEqual({ subject: 'CN = default.example.com', reply: 'olleh' });
    expect(await land(listen, 'other.example.org')).toEqual({ subject: 'CN = default.example.com', reply: 'olleh' });
    // The wildcard stands for one label only: a deeper name is not the cache's.
    expect((await land(listen, 'a.b.cache.example.com')).subject).toBe('CN = default.example.com');
    const [db1, cache, fallback] = lb.stats().services;
    expect([db1?.total, cache?.total, fallback?.total]).toEqual([1, 1, 3]);
    // One socket for the address, not one per service.
    expect(lb.listeningSockets()).toHaveLength(1);
  });

  it('refuses PROXY protocol acceptance on an address routed by SNI, naming the field; the running config stays', async () => {
    lb = createLoadBalancer({ relay });
    const listen = await deadPort();
    await lb.apply(config(...shared(listen)));
    const proxy = { acceptProxyProtocol: { from: ['127.0.0.1/32'] } };
    const [db1, cache, fallback] = shared(listen) as [ServiceConfig, ServiceConfig, ServiceConfig];
    await expect(lb.apply(config(db1, cache, { ...fallback, ...proxy }))).rejects.toMatchObject({ field: 'services[2].acceptProxyProtocol' });
    // Port 0 is an address of its own: its only service may not both name sni and accept PROXY.
    await expect(lb.apply(config({ ...db1, port: 0, ...proxy }))).rejects.toMatchObject({ field: 'services[0].acceptProxyProtocol' });
    expect(await land(listen, 'db1.example.com')).toEqual({ subject: 'CN = db1.example.com', reply: 'olleh' });
  });

  it('without a default route, an unknown name, a malformed ClientHello and an oversized one are closed and counted', async () => {
    lb = createLoadBalancer({ relay });
    const listen = await deadPort();
    await lb.apply(config(...shared(listen, false)));
    const unknown = tlsClient(listen, 'other.example.org');
    expect(await unknown.exited).not.toBe(0);
    expect(unknown.log).not.toContain('CONNECTION ESTABLISHED');
    await closedBy(listen, Buffer.from([22, 3, 1, 0, 8, 2, 0, 0, 4, 0xde, 0xad, 0xbe, 0xef])); // a handshake record, not a ClientHello
    await closedBy(listen, Buffer.from([22, 3, 1, 0x40, 0, 1, 0x01, 0, 0])); // declares a 64 KiB ClientHello
    await closedBy(listen, Buffer.from('GET / HTTP/1.0\r\n\r\n')); // not TLS, and no default route
    // Counted on each service of the address: no service was chosen.
    for (const s of lb.stats().services) {
      expect(s.rejectedByReason, s.name).toEqual({ ...noRejections(), sniNoRoute: 2, sniMalformed: 1, sniOversized: 1 });
      expect(s.total).toBe(0);
    }
  });

  it('closes a client that sends nothing after the peek timeout, and counts it', async () => {
    lb = createLoadBalancer({ relay, sniPeek: { timeoutMs: 300 } });
    const listen = await deadPort();
    await lb.apply(config(...shared(listen)));
    const s = net.connect({ host: '127.0.0.1', port: listen });
    s.on('error', () => {});
    await once(s, 'connect');
    await once(s, 'close');
    expect(lb.stats().services.map((x) => x.rejectedByReason.sniTimeout)).toEqual([1, 1, 1]);
  });

  it('adding and removing SNI services live keeps the address bound and established connections up', async () => {
    lb = createLoadBalancer({ relay });
    const listen = await deadPort();
    const [db1, cache] = shared(listen, false) as [ServiceConfig, ServiceConfig];
    await lb.apply(config(db1));
    const kept = tlsClient(listen, 'db1.example.com');
    try {
      expect(await kept.subject()).toBe('CN = db1.example.com');
      expect(await kept.roundTrip('one')).toBe('eno');
      // Add the cache service, with a default route, on the same address.
      const fallback = service([backend(port('default.example.com'))], { name: 'default', port: listen });
      await lb.apply(config(db1, cache, fallback));
      expect((await land(listen, 'x.cache.example.com')).subject).toBe('CN = cache.example.com');
      // Rename db1's names and drop the cache: new clients of the old name go to the default route.
      // (s_server serves one connection at a time: nothing new goes to db1's backend while `kept` is open.)
      await lb.apply(config({ ...db1, sni: ['db2.example.com'] }, fallback));
      expect((await land(listen, 'db1.example.com')).subject).toBe('CN = default.example.com');
      // The connection made at the start is still relayed.
      expect(await kept.roundTrip('two')).toBe('owt');
      // Only the default route left: the address is its own again (no peek), still bound.
      await lb.apply(config(fallback));
      expect(await kept.roundTrip('three')).toBe('eerht');
      expect((await land(listen, 'db2.example.com')).subject).toBe('CN = default.example.com');
    } finally {
      await kept.close();
    }
    await waitFor(() => lb?.stats().services.every((s) => s.active === 0) === true, 'connections to end');
    // db1 back on the address under its new name.
    await lb.apply(config({ ...db1, sni: ['db2.example.com'] }, service([backend(port('default.example.com'))], { name: 'default', port: listen })));
    expect((await land(listen, 'db2.example.com')).subject).toBe('CN = db1.example.com');
  });
});

/** Sends `bytes` and waits until Fulcrum closes the connection (bounded by the test timeout). */
async function closedBy(listen: number, bytes: Buffer): Promise<void> {
  const s = net.connect({ host: '127.0.0.1', port: listen });
  s.on('error', () => {});
  s.on('data', () => {});
  await once(s, 'connect');
  s.write(bytes);
  await once(s, 'close');
}
