// `service-error` for real: an engine process whose open-file limit leaves it one descriptor.
// Each client is accepted, but the socket to the backend cannot be opened (EMFILE): the client
// is refused, the event says why — once per window, however many clients hit it — and the
// backend is not blamed (no connect failure, no passive ejection). Once descriptors are back,
// the same backend serves.
//
// The listener's own error path (accept failing) cannot be driven for real here: on Node 20's
// libuv (1.46) an accept EMFILE never reaches JavaScript (libuv closes the pending connection
// itself, or spins when it has no spare descriptor; tried with prlimit on a listening process).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import net from 'node:net';
import { resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { ServiceErrorEvent } from '../src/events.ts';
import type { EngineStats } from '../src/stats.ts';
import { HEALTH_CHECK_DEFAULTS } from '../src/config.ts';
import { backend, config, service, startEcho, waitFor, type TestServer } from './helpers.ts';

const FIXTURE = resolve(import.meta.dirname, 'fixtures/engine-process.ts');

let child: ChildProcess | undefined;
const servers: TestServer[] = [];
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** One client: resolves with the echo of `payload`, or '' when the connection is closed without one. */
function attempt(port: number, payload: string): Promise<string> {
  return new Promise((done) => {
    let got = '';
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(payload));
    s.on('data', (d) => {
      got += String(d);
      if (got.length >= payload.length) s.destroy();
    });
    s.on('error', () => {});
    s.on('close', () => done(got));
  });
}

// Only where it was seen to work: on Node 22.23 (libuv 1.51.0) the socket to the backend still
// opened with the soft limit at spare + 1 and no second free descriptor below it (checked in
// /proc/PID/fd), so the client was served; why is not established yet (issue 14's note).
const NODE_20 = process.versions.node.startsWith('20.');

it.runIf(NODE_20)('EMFILE on the way to a backend is one service-error per window, refuses the client and does not blame the backend', async () => {
  const echo = await startEcho();
  servers.push(echo);
  const b = backend(echo.port);
  const svc = service([b], { healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'none', passiveFailures: 3 }, retries: 2 });
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(config(svc))], { stdio: ['pipe', 'pipe', 'inherit'] });
  child = proc;
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  const events = () => lines.filter((l) => 'event' in l).map((l) => l.event as ServiceErrorEvent);
  const stats = async (): Promise<EngineStats> => {
    const seen = lines.length;
    proc.stdin!.write('stats\n');
    await waitFor(() => lines.slice(seen).some((l) => 'stats' in l), 'stats from the engine process');
    return lines.slice(seen).find((l) => 'stats' in l)!.stats as EngineStats;
  };
  await waitFor(() => lines.some((l) => l.ready === true), 'engine process ready', 30_000);
  const { port } = lines.find((l) => l.ready === true) as { port: number };
  expect(await attempt(port, 'before')).toBe('before');
  // Both of its descriptors closed: from now on exactly one is free.
  const deadline = Date.now() + 10_000;
  while ((await stats()).services[0]!.active !== 0) expect(Date.now()).toBeLessThan(deadline);

  const seen = lines.length;
  proc.stdin!.write('squeeze\n');
  await waitFor(() => lines.slice(seen).some((l) => 'spare' in l && !('ready' in l)), 'spare descriptor from the engine process');
  const { spare: now } = lines.slice(seen).find((l) => 'spare' in l) as { spare: number };
  execFileSync('prlimit', ['--pid', String(proc.pid), `--nofile=${now + 1}:`]);
  for (let i = 0; i < 20; i++) expect(await attempt(port, `refused ${i}`)).toBe('');
  await waitFor(() => events().length > 0, 'a service-error event');
  const during = await stats();
  // Everything the engine did for those 20 clients is written before this answer: one event.
  expect(events()).toHaveLength(1);
  expect(events()[0]).toMatchObject({ serviceId: svc.id, serviceName: svc.name, code: 'EMFILE' });
  expect(events()[0]!.message).toMatch(/^cannot open a connection to backend 127\.0\.0\.1:\d+, the client was refused: too many open files \(EMFILE\); raise the open-file limit/);
  const s = during.services[0]!;
  expect(s.rejected).toBe(20);
  // Not the backend's fault: no connect failure counted, no retry, not ejected.
  expect(s.retries).toBe(0);
  expect(s.backends[0]).toMatchObject({ health: 'up', connectFailures: 0 });

  execFileSync('prlimit', ['--pid', String(proc.pid), '--nofile=4096:']);
  expect(await attempt(port, 'after')).toBe('after');
}, 60_000);
