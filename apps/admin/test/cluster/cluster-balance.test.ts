// How evenly least-connections spreads skewed connection lifetimes (a few long-lived, many short)
// with 2 workers — each sees the other's load only through setRemoteLoad(), at most one stats
// batch plus IPC old — compared with the engine in one process. The backends count their own open
// connections (ground truth, no staleness). This reports numbers; it asserts only that every
// connection was served and that the long-lived ones ended up spread, loosely (2 shared cores).
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, expect, it } from 'vitest';
import { eventually } from '../helpers.ts';
import { cleanup, createService, onCleanup, sleep, startFulcrum } from './harness.ts';

afterAll(cleanup);

const BACKENDS = 3;
const LONG = 30;
const SHORT_LANES = 8;
const RUN_MS = 3000;

interface CountingBackend {
  port: number;
  open: number;
}

async function countingEcho(): Promise<CountingBackend> {
  const b: CountingBackend = { port: 0, open: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    b.open++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      b.open--;
      sockets.delete(socket);
    });
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  b.port = (server.address() as net.AddressInfo).port;
  onCleanup(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return b;
}

/** Opens a connection through the balancer and waits for one echo (so the backend side exists). */
async function connect(port: number): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await once(s, 'connect');
  s.write('x');
  await once(s, 'data');
  return s;
}

interface Result {
  mode: string;
  meanSpread: number;
  worstSpread: number;
  meanRatio: number;
  longSplit: number[];
  short: number;
  failures: number;
}

async function run(workers: number | undefined): Promise<Result> {
  const backends = await Promise.all(Array.from({ length: BACKENDS }, countingEcho));
  const f = await startFulcrum({ workers });
  const { port } = await createService(f, backends.map((b) => b.port), { strategy: 'least-connections' });
  const held: net.Socket[] = [];
  onCleanup(() => held.forEach((s) => s.destroy()));
  const spreads: number[] = [];
  const ratios: number[] = [];
  let short = 0;
  let failures = 0;
  const end = Date.now() + RUN_MS;
  const sampler = (async () => {
    while (Date.now() < end) {
      const open = backends.map((b) => b.open);
      spreads.push(Math.max(...open) - Math.min(...open));
      ratios.push(Math.max(...open) / Math.max(1, Math.min(...open)));
      await sleep(50);
    }
  })();
  const longOpener = (async () => {
    for (let i = 0; i < LONG && Date.now() < end; i++) {
      try {
        held.push(await connect(port));
      } catch {
        failures++;
      }
      await sleep(RUN_MS / LONG / 1.5);
    }
  })();
  const lanes = Array.from({ length: SHORT_LANES }, async () => {
    while (Date.now() < end) {
      try {
        const s = await connect(port);
        await sleep(20 + Math.floor(Math.random() * 60));
        s.destroy();
        short++;
      } catch {
        failures++;
      }
    }
  });
  await Promise.all([sampler, longOpener, ...lanes]);
  // The short connections' backend sides close; then only the long-lived ones are open.
  await eventually(() => backends.reduce((sum, b) => sum + b.open, 0) === held.length);
  const longSplit = backends.map((b) => b.open);
  for (const s of held.splice(0)) s.destroy();
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 100) / 100;
  return {
    mode: workers === undefined ? '1 process' : `${workers} workers`,
    meanSpread: mean(spreads),
    worstSpread: Math.max(...spreads),
    meanRatio: mean(ratios),
    longSplit,
    short,
    failures,
  };
}

it('least-connections with skewed lifetimes: 2 workers vs 1 process (reported)', async () => {
  const single = await run(undefined);
  const multi = await run(2);
  const table = [single, multi].map(
    (r) =>
      `${r.mode.padEnd(10)} open spread max−min: mean ${r.meanSpread}, worst ${r.worstSpread}; max/min mean ${r.meanRatio}; ` +
      `long-lived split ${r.longSplit.join('/')} ; ${r.short} short conns`,
  );
  console.info(`[balance] ${BACKENDS} backends, ${LONG} long-lived + ${SHORT_LANES} lanes of 20–80 ms connections for ${RUN_MS} ms\n${table.join('\n')}`);
  for (const r of [single, multi]) {
    expect(r.failures).toBe(0);
    expect(r.longSplit.reduce((a, b) => a + b, 0)).toBe(LONG);
    // Loose: no backend holds more than twice its fair share of the long-lived connections.
    expect(Math.max(...r.longSplit)).toBeLessThanOrEqual((2 * LONG) / BACKENDS);
  }
}, 58_000);

it('maxConnections holds across workers: each worker counts the others (setRemoteLoad)', async () => {
  const backend = await countingEcho();
  const f = await startFulcrum({ workers: 2 });
  const { service, port } = await createService(f, [backend.port]);
  const id = service.backends[0]!.id;
  const patched = await f.api('PATCH', `/api/services/${service.id}/backends/${id}`, { maxConnections: 6 });
  expect(patched.status).toBe(200);
  const sockets: net.Socket[] = [];
  onCleanup(() => sockets.forEach((s) => s.destroy()));
  let accepted = 0;
  for (let i = 0; i < 12; i++) {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    sockets.push(s);
    await once(s, 'connect');
    s.write('x');
    // Served (echo) or refused by the cap (closed without data).
    const served = await new Promise<boolean>((resolve) => {
      s.once('data', () => resolve(true));
      s.once('close', () => resolve(false));
    });
    if (served) accepted++;
    // Let both workers hear of it: the primary's merged view, then a few more batch round trips
    // (the staleness bound is one batch plus IPC; generous on 2 shared cores).
    await eventually(async () => (await f.stats()).services.find((x) => x.id === service.id)?.active === accepted);
    await sleep(1000);
  }
  const perWorker = (await f.workers()).workers.map((w) => w.total);
  console.info(`[maxConnections] cap 6, 12 attempts one by one: ${accepted} served (per worker ${perWorker.join('/')}); backend saw ${backend.open} open`);
  expect(backend.open).toBe(accepted);
  expect(accepted).toBe(6);
}, 58_000);
