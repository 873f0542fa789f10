import { afterEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { once } from 'node:events';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { backend, config, connect, exchange, service, startEcho, startServer, waitFor, type TestServer } from './helpers.ts';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

// Every case runs against both relays (README "Node releases"): the native one on raw libuv
// handles and the net.Socket one the engine falls back to.
describe.each(['native', 'socket'] as const)('splice (%s relay)', (relay) => {
  let lb: LoadBalancer;
  const servers: TestServer[] = [];
  afterEach(async () => {
    // Not vacuous: the relay asked for is the one that ran.
    if (lb?.relay !== null) expect(lb?.relay?.relay).toBe(relay);
    await lb?.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function balance(...ports: number[]): Promise<{ port: number; id: number }> {
    lb = createLoadBalancer({ relay });
    const svc = service(ports.map((p) => backend(p)));
    await lb.apply(config(svc));
    expect(lb.relay?.relay).toBe(relay);
    return { port: lb.listenPort(svc.id) as number, id: svc.id };
  }

  it('delivers 8 MB byte-exact both ways and counts the bytes', async () => {
    const echo = await startEcho();
    servers.push(echo);
    const { port } = await balance(echo.port);
    const payload = randomBytes(8 * 1024 * 1024);
    const got = await exchange(port, payload);
    expect(got.length).toBe(payload.length);
    expect(sha(got)).toBe(sha(payload));
    await waitFor(() => lb.stats().services[0]?.active === 0, 'connection teardown');
    const b = lb.stats().services[0]?.backends[0];
    expect(b?.bytesIn).toBe(payload.length);
    expect(b?.bytesOut).toBe(payload.length);
    expect(b?.total).toBe(1);
    expect(b?.active).toBe(0);
  });

  it('half-close from the client: FIN is forwarded and the full reply still arrives', async () => {
    // The backend reads until the client's FIN, then answers with 2 MB and closes.
    const reply = randomBytes(2 * 1024 * 1024);
    const srv = await startServer(
      (s) => {
        let got = 0;
        s.on('data', (c: Buffer) => (got += c.length));
        s.on('end', () => {
          s.write(Buffer.from(`got ${got}\n`));
          s.end(reply);
        });
      },
      { allowHalfOpen: true },
    );
    servers.push(srv);
    const { port } = await balance(srv.port);
    const got = await exchange(port, Buffer.alloc(100_000, 7));
    const header = Buffer.from('got 100000\n');
    expect(got.subarray(0, header.length).toString()).toBe(header.toString());
    expect(sha(got.subarray(header.length))).toBe(sha(reply));
  });

  it('half-close from the backend: the client can keep sending after the backend FINs', async () => {
    let received = 0;
    const done = new Promise<number>((resolve) => {
      startServer(
        (s) => {
          s.end('bye\n'); // backend FINs first, but keeps reading
          s.on('data', (c: Buffer) => (received += c.length));
          s.on('end', () => resolve(received));
        },
        { allowHalfOpen: true },
      ).then((srv) => servers.push(srv));
    });
    await waitFor(() => servers.length === 1, 'server');
    const { port } = await balance((servers[0] as TestServer).port);
    const client = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    client.on('data', (c) => chunks.push(c));
    await once(client, 'end');
    expect(Buffer.concat(chunks).toString()).toBe('bye\n');
    client.end(Buffer.alloc(300_000, 1));
    expect(await done).toBe(300_000);
    await waitFor(() => lb.stats().services[0]?.active === 0, 'teardown');
  });

  it('backpressure: a client that does not read stops the backend instead of buffering in the balancer', async () => {
    const TOTAL = 256 * 1024 * 1024;
    let written = 0;
    let blocked = false; // the backend's last write() said "full" and no 'drain' came since
    const srv = await startServer((s) => {
      const chunk = Buffer.alloc(64 * 1024, 3);
      const pump = (): void => {
        blocked = false;
        while (written < TOTAL) {
          written += chunk.length;
          if (!s.write(chunk)) {
            blocked = true;
            s.once('drain', pump);
            return;
          }
        }
        s.end();
      };
      pump();
    });
    const echo = await startEcho();
    servers.push(srv, echo);
    lb = createLoadBalancer({ relay });
    const flood = service([backend(srv.port)]);
    const other = service([backend(echo.port)]);
    await lb.apply(config(flood, other));
    const client = await connect(lb.listenPort(flood.id) as number);
    client.pause();
    // Round trips through the same balancer (another service, same event loop) prove it has
    // run many I/O turns. Stalled: the backend is blocked on a full socket and stays so, with
    // no byte more written, across 10 of them. Without backpressure the balancer would keep
    // reading the backend, whose socket would drain again, until all 256 MB were through.
    const probe = Buffer.alloc(256 * 1024, 5);
    const roundTrips = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) expect((await exchange(lb.listenPort(other.id) as number, probe)).length).toBe(probe.length);
    };
    const deadline = Date.now() + 15_000;
    let stalledAt = -1;
    while (stalledAt < 0 && written < TOTAL) {
      expect(Date.now()).toBeLessThan(deadline);
      const before = written;
      await roundTrips(10);
      if (blocked && written === before) stalledAt = written;
    }
    expect(stalledAt).toBeGreaterThan(0);
    // Kernel socket buffers on loopback (both hops) plus one stream high-water mark each way:
    // a few MB. Without backpressure the balancer would have read all 256 MB.
    expect(stalledAt).toBeLessThan(48 * 1024 * 1024);
    // And it stays stalled. Not byte-exact: on a loaded machine the kernel still moves a little
    // on its own (window updates), which a balancer with backpressure passes on; without it,
    // the rest of the 256 MB would flow.
    await roundTrips(10);
    expect(written).toBeLessThan(48 * 1024 * 1024);
    let read = 0;
    client.on('data', (c: Buffer) => (read += c.length));
    client.resume();
    await once(client, 'end');
    expect(read).toBe(TOTAL);
  });

  it('many connections under backpressure at once stay byte-exact (one shared read buffer)', async () => {
    // Every proxied socket reads into the same buffer, so a write the kernel cannot take at
    // once must not leave it pointing there. Backends flood distinct random data; clients
    // stop reading now and then, so the balancer's writes to them back up while the other
    // connections keep reading. Chunk sizes cross the 16 KiB string path both ways.
    const SIZE = 12 * 1024 * 1024;
    const payloads = new Map<number, Buffer>();
    const srv = await startServer((s) => {
      s.once('data', (d: Buffer) => {
        const data = payloads.get(d.readUInt8(0)) as Buffer;
        let off = 0;
        const pump = (): void => {
          while (off < data.length) {
            const n = 1 + ((off * 7919) % 40_000);
            const ok = s.write(data.subarray(off, off + n));
            off += n;
            if (!ok) return void s.once('drain', pump);
          }
          s.end();
        };
        pump();
      });
    });
    servers.push(srv);
    const { port } = await balance(srv.port);
    const one = async (i: number): Promise<void> => {
      payloads.set(i, randomBytes(SIZE + i * 977));
      const c = await connect(port);
      const chunks: Buffer[] = [];
      let got = 0;
      let nextPause = 0;
      c.on('data', (d: Buffer) => {
        chunks.push(d);
        got += d.length;
        if (got >= nextPause) {
          // Stop reading for a moment: the balancer's writes to us back up meanwhile.
          nextPause = got + 1024 * 1024;
          c.pause();
          setTimeout(() => c.resume(), 30 + i * 5);
        }
      });
      c.write(Buffer.from([i]));
      await once(c, 'end');
      expect(got).toBe(SIZE + i * 977);
      expect(sha(Buffer.concat(chunks))).toBe(sha(payloads.get(i) as Buffer));
      c.end();
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => one(i)));
    await waitFor(() => lb.stats().services[0]?.active === 0, 'teardown');
  });

  it('a small chunk the backend cannot take yet survives other connections reading meanwhile', async () => {
    // Deterministic version of the race above for the small-chunk path: the backend does not
    // read, the client writes small pieces until the balancer has to hold one back; then
    // another connection pushes data through the shared read buffer; then the backend reads.
    let stalled: net.Socket | undefined;
    const got: Buffer[] = [];
    const sink = await startServer((s) => {
      stalled = s;
      s.pause();
      s.on('data', (d: Buffer) => got.push(d));
    });
    const echo = await startEcho();
    servers.push(sink, echo);
    lb = createLoadBalancer({ relay });
    const slow = service([backend(sink.port)]);
    const busy = service([backend(echo.port)]);
    await lb.apply(config(slow, busy));
    const c = await connect(lb.listenPort(slow.id) as number);
    const payload = randomBytes(32 * 1024 * 1024);
    let off = 0;
    // Write 1-2000 bytes per turn of the loop until the kernel buffers on both hops are full:
    // write() says so and no 'drain' comes while 3 round trips run through the balancer (the
    // busy service, same event loop), so it has had its turns to read more of this client.
    const small = Buffer.alloc(64 * 1024, 9);
    for (;;) {
      const n = 1 + ((off * 7919) % 2000);
      const ok = c.write(payload.subarray(off, off + n));
      off += n;
      if (!ok) {
        let drained = false;
        const drain = once(c, 'drain').then(() => (drained = true));
        for (let i = 0; i < 3 && !drained; i++) expect((await exchange(lb.listenPort(busy.id) as number, small)).length).toBe(small.length);
        if (!drained) break;
        await drain;
      } else await new Promise((r) => setImmediate(r));
      expect(off).toBeLessThan(payload.length);
    }
    const other = randomBytes(4 * 1024 * 1024);
    expect(sha(await exchange(lb.listenPort(busy.id) as number, other))).toBe(sha(other));
    c.end();
    (stalled as net.Socket).resume();
    await once(stalled as net.Socket, 'end');
    expect(sha(Buffer.concat(got))).toBe(sha(payload.subarray(0, off)));
  });

  it('client disconnect closes the backend socket; backend disconnect closes the client', async () => {
    const echo = await startEcho();
    servers.push(echo);
    const { port } = await balance(echo.port);
    const c1 = await connect(port);
    await waitFor(() => echo.sockets.size === 1, 'backend accept');
    c1.destroy();
    await waitFor(() => echo.sockets.size === 0, 'backend socket closed after client left');
    const c2 = await connect(port);
    await waitFor(() => echo.sockets.size === 1, 'backend accept 2');
    const closed = once(c2, 'close');
    for (const s of echo.sockets) s.destroy();
    await closed;
    await waitFor(() => lb.stats().services[0]?.active === 0, 'counters back to 0');
    const b = lb.stats().services[0]?.backends[0];
    expect(b?.active).toBe(0);
    expect(b?.total).toBe(2);
  });

  it('a backend reset mid-stream never crashes the process and tears down exactly once', async () => {
    const srv = await startServer((s) => {
      s.once('data', () => s.resetAndDestroy());
    });
    servers.push(srv);
    const { port } = await balance(srv.port);
    const clients = await Promise.all(Array.from({ length: 50 }, () => connect(port)));
    await Promise.all(clients.map((c) => (c.write('x'), once(c, 'close'))));
    await waitFor(() => lb.stats().services[0]?.active === 0, 'all torn down');
    const s = lb.stats().services[0];
    expect(s?.active).toBe(0);
    expect(s?.backends[0]?.active).toBe(0);
    expect(s?.total).toBe(50);
  });
});
