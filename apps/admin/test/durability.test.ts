// Crash durability of the real `fulcrum` process: a stream of API changes, kill -9 at a random
// moment, restart on the same data directory. Every acknowledged change must be there, nothing
// may be half-applied (data, audit row and version move together), and the engine must run
// exactly what the store holds.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import YAML from 'yaml';
import type { BackendDto, EventDto, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import { killChildren, run } from './cli-helpers.ts';
import type { Run } from './cli-helpers.ts';
import { freePort, startEchoServer, tcpRoundTrip, tempDir } from './helpers.ts';
import type { TcpServer } from './helpers.ts';

const TOKEN = 'durability-token-0123456789';
const ITERATIONS = 8;
/** No new iteration starts after this much time: the test stays well under a minute. */
const BUDGET_MS = 40_000;
const WORKERS = 3;

/** mulberry32: a small seeded PRNG, so a failure can be replayed with FULCRUM_TEST_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** What we know of one backend: its last acknowledged weight and the change in flight at the kill. */
interface Known {
  address: string;
  id?: number;
  /** Created and acknowledged (or seen after a restart). */
  exists: boolean;
  /** Weights the store may hold: the acknowledged one, plus an unacknowledged one in flight. */
  weights: Set<number>;
  /** An unacknowledged creation: it may or may not have happened. */
  maybeCreated: boolean;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  killChildren();
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

it('every acknowledged change survives kill -9, nothing is half-applied, the engine runs the store', { timeout: 120_000 }, async () => {
  const seed = Number(process.env.FULCRUM_TEST_SEED ?? Date.now() % 1_000_000);
  const random = prng(seed);
  const note = `seed ${seed} (replay with FULCRUM_TEST_SEED=${seed})`;
  const { dir, remove } = tempDir('fulcrum-durability-');
  cleanup.push(remove);
  const echo: TcpServer = await startEchoServer();
  cleanup.push(() => echo.close());
  const adminPort = await freePort();
  const listenPort = await freePort();
  const base = `http://127.0.0.1:${adminPort}`;
  const configPath = join(dir, 'fulcrum.yaml');
  writeFileSync(
    configPath,
    YAML.stringify({
      version: 1,
      services: [{ name: 'main', listen: `127.0.0.1:${listenPort}`, healthCheck: { type: 'none' }, backends: [{ address: `127.0.0.1:${echo.port}` }] }],
    }),
  );
  const data = join(dir, 'data');
  const known = new Map<string, Known>();
  let nextPort = 20_000;
  let acknowledged = 0;

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  async function start(first: boolean): Promise<Run> {
    const r = run(['--data', data, '--admin', `127.0.0.1:${adminPort}`, ...(first ? ['--config', configPath] : [])], { FULCRUM_ADMIN_TOKEN: TOKEN });
    await r.waitFor(/fulcrum: dashboard /);
    return r;
  }

  /** After a restart: the store, its audit log, the engine and the data path all agree with what was acknowledged. */
  async function verify(iteration: number): Promise<void> {
    const where = `iteration ${iteration}, ${note}`;
    const services = (await (await call('GET', '/api/services')).json()) as ServiceDto[];
    expect(services.map((s) => s.name), where).toEqual(['main']);
    const main = services[0]!;
    const byAddress = new Map(main.backends.map((b) => [b.address, b]));
    for (const k of known.values()) {
      const b = byAddress.get(k.address);
      if (k.exists) expect(b, `${where}: acknowledged backend ${k.address} is missing`).toBeDefined();
      else if (!k.maybeCreated) expect(b, `${where}: ${k.address} was never acknowledged`).toBeUndefined();
      if (b) {
        expect(k.weights.has(b.weight), `${where}: ${k.address} has weight ${b.weight}, expected one of ${[...k.weights]}`).toBe(true);
        // From now on this is the known state.
        k.exists = true;
        k.maybeCreated = false;
        k.id = b.id;
        k.weights = new Set([b.weight]);
      } else {
        known.delete(k.address);
      }
    }
    for (const b of main.backends) {
      if (b.address !== `127.0.0.1:${echo.port}`) expect(known.has(b.address), `${where}: unexpected backend ${b.address}`).toBe(true);
    }

    // Nothing half-applied: each stored change has its audit row and its version step, and vice versa.
    const events: EventDto[] = [];
    let before: number | null = null;
    for (let page = 0; page < 100; page++) {
      const res = (await (await call('GET', `/api/events?serviceId=${main.id}&limit=500${before ? `&before=${before}` : ''}`)).json()) as {
        events: EventDto[];
        nextBefore: number | null;
      };
      events.push(...res.events);
      before = res.nextBefore;
      if (before === null) break;
    }
    const changes = events.filter((e) => e.kind === 'backend-added' || e.kind === 'backend-updated').reverse();
    expect(main.version, where).toBe(1 + changes.length);
    const fromLog = new Map<number, number>();
    for (const e of changes) {
      if (e.kind === 'backend-added') fromLog.set(e.backendId!, e.details.weight as number);
      else fromLog.set(e.backendId!, (e.details.changes as { weight: { to: number } }).weight.to);
    }
    const stored = new Map(main.backends.filter((b) => b.address !== `127.0.0.1:${echo.port}`).map((b) => [b.id, b.weight]));
    expect(stored, where).toEqual(fromLog);

    // The engine runs exactly the store.
    const stats = (await (await call('GET', '/api/stats')).json()) as StatsDto;
    const live = stats.services[0]!.backends.filter((b) => !b.removed);
    const view = (b: Pick<BackendDto, 'id' | 'address' | 'weight' | 'state'>) => `${b.id} ${b.address} ${b.weight} ${b.state}`;
    expect(live.map(view).sort(), where).toEqual(main.backends.map(view).sort());
    expect((await tcpRoundTrip(listenPort, `ping ${iteration}`)).toString(), where).toBe(`ping ${iteration}`);
  }

  /** One worker: creates backends and changes weights of its own, one request at a time, until the process dies. */
  async function worker(own: Known[], stop: { dead: boolean }): Promise<void> {
    for (let n = 0; n < 10_000 && !stop.dead; n++) {
      const patchable = own.filter((k) => k.exists && k.id !== undefined);
      const weight = 1 + Math.floor(random() * 1000);
      if (patchable.length === 0 || random() < 0.4) {
        // Never the service's own port: that backend would be a self-loop (400 SELF_LOOP).
        if (nextPort === listenPort) nextPort++;
        const address = `127.0.0.1:${nextPort++}`;
        const k: Known = { address, exists: false, maybeCreated: true, weights: new Set([weight]) };
        own.push(k);
        known.set(address, k);
        try {
          const res = await call('POST', '/api/services/1/backends', { address, weight, state: 'disabled' });
          expect(res.status, `${address}: ${await res.clone().text()}`).toBe(201);
          k.id = ((await res.json()) as BackendDto).id;
          k.exists = true;
          k.maybeCreated = false;
          acknowledged++;
        } catch (err) {
          // Only a request cut by the kill (fetch fails with a TypeError) may end a worker.
          if (!(err instanceof TypeError) || !stop.dead) throw err;
          return; // in flight at the kill: maybeCreated stays true
        }
      } else {
        const k = patchable[Math.floor(random() * patchable.length)]!;
        const [current] = [...k.weights];
        const next = weight === current ? (weight % 1000) + 1 : weight;
        k.weights.add(next); // may or may not land if the process dies now
        try {
          const res = await call('PATCH', `/api/services/1/backends/${k.id}`, { weight: next });
          expect(res.status).toBe(200);
          k.weights = new Set([next]);
          acknowledged++;
        } catch (err) {
          if (!(err instanceof TypeError) || !stop.dead) throw err;
          return;
        }
      }
    }
  }

  const started = Date.now();
  let r = await start(true);
  let iterations = 0;
  for (let i = 0; i < ITERATIONS && (i < 3 || Date.now() - started < BUDGET_MS); i++) {
    const stop = { dead: false };
    const workers = Array.from({ length: WORKERS }, () => worker([], stop));
    // Kill at a random moment mid-stream.
    await new Promise((resolve) => setTimeout(resolve, 30 + Math.floor(random() * 400)));
    process.kill(r.child.pid!, 'SIGKILL');
    stop.dead = true;
    expect(await r.exit()).toBeNull();
    await Promise.all(workers);
    r = await start(false);
    await verify(i);
    iterations++;
  }
  expect(iterations).toBeGreaterThanOrEqual(3);
  expect(acknowledged, note).toBeGreaterThanOrEqual(iterations);
  process.kill(r.child.pid!, 'SIGTERM');
  expect(await r.exit()).toBe(0);
});
