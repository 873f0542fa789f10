// `service-error` from a real engine failure to the event log the console shows (GET /api/events,
// the same rows the live feed pushes), with the engine in the admin process and in two workers.
// The failure: the engine's process has one descriptor left under its open-file limit (prlimit),
// so a client is accepted but the socket to the backend cannot be opened (EMFILE).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventDto } from '@fulcrum/shared/api';
import { eventually, startEchoServer } from '../helpers.ts';
import { cleanup, createService, echoOnce, onCleanup, startFulcrum } from './harness.ts';
import type { Fulcrum } from './harness.ts';

afterAll(cleanup);

/** Lowers `pid`'s soft open-file limit so that exactly one descriptor is free below it. */
function squeeze(pid: number): void {
  const used = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
  const free: number[] = [];
  for (let fd = 0; free.length < 2; fd++) if (!used.has(fd)) free.push(fd);
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${free[1]}:`]);
}

function release(pid: number): void {
  execFileSync('prlimit', ['--pid', String(pid), '--nofile=4096:']);
}

/** One client that sends a line; resolves when the connection is gone (refused: nothing came back). */
function attempt(port: number): Promise<string> {
  return new Promise((done) => {
    let got = '';
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write('hello'));
    s.on('data', (d) => {
      got += String(d);
      s.destroy();
    });
    s.on('error', () => {});
    s.on('close', () => done(got));
  });
}

async function serviceErrors(f: Fulcrum, serviceId: number): Promise<EventDto[]> {
  const page = (await f.api<{ events: EventDto[] }>('GET', '/api/events?kind=service-error&limit=100')).body;
  return page.events.filter((e) => e.serviceId === serviceId);
}

/** Squeezes the engine processes, sends a client, releases them; until the event log has the error (bounded). */
async function provoke(f: Fulcrum, enginePids: number[], port: number, serviceId: number): Promise<EventDto> {
  for (let round = 0; round < 10; round++) {
    // Something of the process's own (a keep-alive socket timing out) can free a second
    // descriptor between the squeeze and the accept: then this client is simply served, and
    // the next round squeezes again.
    for (const pid of enginePids) squeeze(pid);
    try {
      await attempt(port);
    } finally {
      for (const pid of enginePids) release(pid);
    }
    const found = await eventually(async () => (await serviceErrors(f, serviceId))[0] ?? null, 2000).catch(() => null);
    if (found !== null) return found;
  }
  throw new Error('no service-error event after 10 rounds');
}

describe.each([
  { mode: 'in-process engine', workers: undefined },
  { mode: '--workers 2', workers: 2 },
])('service-error reaches the event log ($mode)', ({ workers }) => {
  it.skipIf(workers !== undefined && process.env.FULCRUM_TEST_SCHED_POLICY === 'rr')(
    'EMFILE opening a backend socket is logged as service-error; the backend is not blamed',
    async () => {
      const echo = await startEchoServer();
      onCleanup(() => echo.close());
      const f = await startFulcrum(workers === undefined ? {} : { workers });
      const { service, port } = await createService(f, [echo.port], { healthCheck: { type: 'none', passiveFailures: 1 } });
      expect(await echoOnce(port, 'warm')).toBe('warm');
      const enginePids = workers === undefined ? [f.pid] : (await f.workers()).workers.map((w) => w.pid);
      // Connections of the warm-up are gone everywhere (their descriptors are free again).
      await eventually(async () => (await f.stats()).services.find((s) => s.id === service.id)?.active === 0);

      const event = await provoke(f, enginePids, port, service.id);
      expect(event).toMatchObject({ kind: 'service-error', actor: 'engine', details: { code: 'EMFILE' } });
      expect(event.message).toMatch(new RegExp(`^service "${service.name}": cannot open a connection to backend 127\\.0\\.0\\.1:${echo.port}, the client was refused: too many open files \\(EMFILE\\)`));
      // Our limit, not the backend's fault: with passiveFailures 1 one blamed failure would eject it.
      const b = (await f.stats()).services.find((s) => s.id === service.id)?.backends[0];
      expect(b).toMatchObject({ health: 'up', connectFailures: 0 });
      expect(await echoOnce(port, 'after')).toBe('after');
    },
    120_000,
  );
});
