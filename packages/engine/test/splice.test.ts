import { afterEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { once } from 'node:events';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { backend, config, connect, exchange, service, startEcho, startServer, waitFor, type TestServer } from './helpers.ts';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('splice', () => {
  let lb: LoadBalancer;
  const servers: TestServer[] = [];
  afterEach(async () => {
    await lb?.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function balance(...ports: number[]): Promise<{ port: number; id: string }> {
    lb = createLoadBalancer();
    const svc = service(ports.map((p) => backend(p)));
    await lb.apply(config(svc));
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
    const srv = await startServer((s) => {
      const chunk = Buffer.alloc(64 * 1024, 3);
      const pump = (): void => {
        while (written < TOTAL) {
          written += chunk.length;
          if (!s.write(chunk)) {
            s.once('drain', pump);
            return;
          }
        }
        s.end();
      };
      pump();
    });
    servers.push(srv);
    const { port } = await balance(srv.port);
    const client = await connect(port);
    client.pause();
    await new Promise((r) => setTimeout(r, 1500));
    // Kernel socket buffers on loopback (both hops) plus one stream high-water mark each way:
    // a few MB. Without backpressure the balancer would have read all 256 MB.
    const stalledAt = written;
    expect(stalledAt).toBeLessThan(48 * 1024 * 1024);
    await new Promise((r) => setTimeout(r, 500));
    expect(written).toBe(stalledAt);
    let read = 0;
    client.on('data', (c: Buffer) => (read += c.length));
    client.resume();
    await once(client, 'end');
    expect(read).toBe(TOTAL);
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
