// close({ drain, timeoutMs, graceful: true }) over real sockets: at the deadline a connection ends
// with FIN both ways, the backend's replies still in flight reach the client first, nothing the
// client sends after the deadline reaches the backend, and only a peer that keeps its side open
// past ENDING_GRACE_MS is closed hard.
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { ENDING_GRACE_MS } from '../src/connection.ts';
import { backend, config, connect, exchange, nextData, service, startEcho, startServer, waitFor } from './helpers.ts';
import { closeWatch } from './fixtures/close-watch.ts';

/** Collects what `s` receives, and whether it saw 'end' or an error. */
function watch(s: net.Socket): { text: () => string; ended: Promise<number>; errors: string[] } {
  let text = '';
  const errors: string[] = [];
  s.on('data', (d: Buffer) => (text += d.toString()));
  s.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
  return { text: () => text, ended: once(s, 'end').then(() => performance.now()), errors };
}

// Both relays (README "Node releases"): the native one and the net.Socket fallback.
describe.each(['native', 'socket'] as const)('graceful close at a drain deadline (%s relay)', (relay) => {
  let lb: LoadBalancer;
  const { servers, sockets, seen, watchCloses, release } = closeWatch();
  afterEach(() => release(lb));

  it("delivers the backend's remaining bytes, then FIN: the client sees 'end', never a reset, and late bytes go nowhere", async () => {
    const received: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let finAtBackend!: () => void;
    const backendSawFin = new Promise<void>((resolve) => (finAtBackend = resolve));
    // Answers "req" at once, and sends the rest of its reply only after our FIN reached it (the
    // reply in flight at the deadline), then ends.
    const server = await startServer((s) => {
      s.on('data', (d: Buffer) => {
        received.push(d.toString());
        if (d.toString().includes('req')) s.write('reply-1\n');
      });
      s.on('end', () => {
        finAtBackend();
        void released.then(() => s.end('reply-2, sent after the FIN\n'));
      });
    }, { allowHalfOpen: true });
    servers.push(server);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(server.port)]);
    await lb.apply(config(svc));
    watchCloses();
    const client = await connect(lb.listenPort(svc.id) as number);
    sockets.push(client);
    const seenByClient = watch(client);
    client.write('req\n');
    await waitFor(() => seenByClient.text() === 'reply-1\n', 'the first reply');

    const closing = lb.close({ drain: true, timeoutMs: 100, graceful: true });
    await backendSawFin;
    // After the deadline: read by the balancer and dropped, never relayed.
    client.write('late request\n');
    release();
    await seenByClient.ended;
    expect(seenByClient.text()).toBe('reply-1\nreply-2, sent after the FIN\n');
    const [hadError] = (await once(client, 'close')) as [boolean];
    await closing;
    expect(hadError).toBe(false);
    expect(seenByClient.errors).toEqual([]);
    expect(received.join('')).toBe('req\n');
    await waitFor(() => seen.length === 1, 'the close message');
    expect(seen[0]).toMatchObject({ reason: 'drain-deadline', backend: `127.0.0.1:${server.port}` });
  });

  it('a client that never closes its side gets FIN, and is closed hard only after the grace', async () => {
    const echo = await startEcho(); // ends after our FIN, as a well-behaved backend does
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port)]);
    await lb.apply(config(svc));
    const client = await connect(lb.listenPort(svc.id) as number, { allowHalfOpen: true });
    sockets.push(client);
    const seenByClient = watch(client);
    client.write('hello');
    expect((await nextData(client)).toString()).toBe('hello');

    const closing = lb.close({ drain: true, timeoutMs: 50, graceful: true }).then(() => performance.now());
    const endedAt = await seenByClient.ended;
    const closedAt = await closing;
    expect(seenByClient.errors).toEqual([]);
    // The client kept its side open: the balancer waited the grace, then let go of the socket.
    expect(closedAt - endedAt).toBeGreaterThanOrEqual(ENDING_GRACE_MS - 50);
    expect(closedAt - endedAt).toBeLessThan(2 * ENDING_GRACE_MS + 1000);
    // Its socket is gone: what the client sends now is answered with a reset (which this side,
    // no longer reading after 'end', sees as a failed write).
    for (let i = 0; i < 100 && seenByClient.errors.length === 0; i++) {
      client.write('anyone there?');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seenByClient.errors[0]).toMatch(/ECONNRESET|EPIPE/);
  });

  it('with no deadline (Infinity) connections keep working until a second close brings the deadline forward', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port)]);
    await lb.apply(config(svc));
    const client = await connect(lb.listenPort(svc.id) as number);
    sockets.push(client);
    const seenByClient = watch(client);
    let settled = false;
    const first = lb.close({ drain: true, timeoutMs: Number.POSITIVE_INFINITY, graceful: true }).then(() => (settled = true));
    // Well past the default polling and any short timeout: still relaying, close() still waiting.
    for (let i = 0; i < 20; i++) {
      client.write(`round ${i}`);
      expect((await nextData(client)).toString()).toBe(`round ${i}`);
    }
    expect(settled).toBe(false);
    await lb.close({ drain: true, timeoutMs: 0, graceful: true });
    await first;
    await seenByClient.ended;
    expect(seenByClient.errors).toEqual([]);
  });

  it('a client sending in bulk, ended while its chunk still waits for the backend: the backend gets an exact prefix', async () => {
    // A side sending in bulk reads into its own buffer and the balancer writes from it in place;
    // a write the backend cannot take yet keeps pointing there. Ending the connection reads and
    // drops the client's further bytes: they must not land in that buffer.
    let sink: net.Socket | undefined;
    const got: Buffer[] = [];
    const server = await startServer((s) => {
      sink = s;
      s.pause();
      s.on('data', (d: Buffer) => got.push(d));
      s.on('end', () => s.end());
    }, { allowHalfOpen: true });
    const echo = await startEcho();
    servers.push(server, echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(server.port)]);
    const busy = service([backend(echo.port)]);
    await lb.apply(config(svc, busy));
    const client = await connect(lb.listenPort(svc.id) as number);
    sockets.push(client);
    const seenByClient = watch(client);
    const payload = randomBytes(64 * 1024 * 1024);
    const piece = 256 * 1024;
    let off = 0;
    // Big writes until both hops are full: write() says so and no 'drain' comes while 3 round
    // trips run through the balancer (same event loop), so it had its turns to read this client.
    const small = Buffer.alloc(64 * 1024, 9);
    for (;;) {
      const ok = client.write(payload.subarray(off, off + piece));
      off += piece;
      if (!ok) {
        let drained = false;
        const drain = once(client, 'drain').then(() => (drained = true));
        for (let i = 0; i < 3 && !drained; i++) expect((await exchange(lb.listenPort(busy.id) as number, small)).length).toBe(small.length);
        if (!drained) break;
        await drain;
      }
      expect(off).toBeLessThan(payload.length);
    }
    const closing = lb.close({ drain: true, timeoutMs: 0, graceful: true });
    // Read by the balancer only once the connection is ending (its reading is stopped until then).
    client.write(Buffer.alloc(1024 * 1024, 0xff));
    (sink as net.Socket).resume();
    await seenByClient.ended;
    await closing;
    const received = Buffer.concat(got);
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThanOrEqual(off);
    expect(received.equals(payload.subarray(0, received.length))).toBe(true);
    expect(seenByClient.errors).toEqual([]);
  });
});
