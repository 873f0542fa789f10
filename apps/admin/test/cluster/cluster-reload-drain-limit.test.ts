// --reload-drain-limit: after a reload the old workers serve their connections for that long, then
// end each with FIN — the client sees 'end', never a reset, and every request that reached the
// backend gets its reply first (replies in flight at the limit are delivered).
import { once } from 'node:events';
import net from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { eventually, startTcpServer } from '../helpers.ts';
import { cleanup, createService, echoOnce, isRunning, onCleanup, startFulcrum } from './harness.ts';

afterAll(cleanup);

const LIMIT_MS = 500;
const CONNECTIONS = 10;
/** The backend answers each line this late, so some reply is on its way at the limit. */
const REPLY_DELAY_MS = 40;

/** Answers each line `x` with `x ok` REPLY_DELAY_MS later; after our FIN it ends once every answer is out. */
async function startSlowLineServer(received: Set<string>, inFlightAtFin: number[]): Promise<{ port: number; close(): Promise<void> }> {
  return startTcpServer((socket) => {
    let buffer = '';
    let pending = 0;
    let ended = false;
    socket.on('data', (d: Buffer) => {
      buffer += d.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        received.add(line);
        pending++;
        setTimeout(() => {
          socket.write(`${line} ok\n`);
          if (--pending === 0 && ended) socket.end();
        }, REPLY_DELAY_MS);
      }
    });
    socket.on('end', () => {
      ended = true;
      inFlightAtFin.push(pending);
      if (pending === 0) socket.end();
    });
  });
}

/** One client in lockstep: a request, its reply, the next request…, until the connection ends. */
function lockstepClient(port: number, name: string) {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  const replies: string[] = [];
  const state = { endedAt: 0, error: undefined as string | undefined, closedWithError: false };
  let k = 0;
  let buffer = '';
  const next = (): void => {
    socket.write(`${name}-${k++}\n`);
  };
  socket.on('connect', next);
  socket.on('data', (d: Buffer) => {
    buffer += d.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      replies.push(buffer.slice(0, nl).replace(/ ok$/, ''));
      buffer = buffer.slice(nl + 1);
      if (!socket.writableEnded) next();
    }
  });
  socket.on('end', () => (state.endedAt = Date.now()));
  socket.on('error', (err: NodeJS.ErrnoException) => (state.error = err.code ?? err.message));
  const closed = once(socket, 'close').then(([hadError]) => (state.closedWithError = hadError as boolean));
  return { socket, replies, state, closed, sent: () => k };
}

it('after --reload-drain-limit the old workers end their connections with FIN, every reply in flight delivered', async () => {
  const received = new Set<string>();
  /** Per backend connection: replies not yet sent when our FIN arrived (delivered after it). */
  const inFlightAtFin: number[] = [];
  const backend = await startSlowLineServer(received, inFlightAtFin);
  onCleanup(() => backend.close());
  const f = await startFulcrum({ workers: 2, args: ['--shutdown-timeout', '300', '--reload-drain-limit', String(LIMIT_MS)] });
  const { port } = await createService(f, [backend.port]);
  const oldPids = (await f.workers()).workers.map((w) => w.pid);
  const clients = Array.from({ length: CONNECTIONS }, (_, i) => lockstepClient(port, `c${i}`));
  onCleanup(() => clients.forEach((c) => c.socket.destroy()));
  await eventually(() => clients.every((c) => c.replies.length >= 3));

  process.kill(f.pid, 'SIGHUP');
  await f.waitFor(/fulcrum: reload done: generation 2 .*drain for up to 0\.5 s/, 40_000);
  const reloadedAt = Date.now();
  const info = await f.workers();
  expect(info.reloadDrainLimitMs).toBe(LIMIT_MS);
  for (const w of info.workers.filter((w) => oldPids.includes(w.pid))) {
    expect(w.state).toBe('draining');
    expect(Date.parse(w.drainDeadline as string) - Date.parse(w.drainingSince as string)).toBe(LIMIT_MS);
  }
  // New connections go to the new workers meanwhile.
  expect(await echoOnce(port, 'new\n')).toBe('new ok\n');

  await Promise.all(clients.map((c) => c.closed));
  for (const c of clients) {
    // A clean FIN, no reset, and not before the limit.
    expect(c.state.error).toBeUndefined();
    expect(c.state.closedWithError).toBe(false);
    expect(c.state.endedAt).toBeGreaterThan(0);
    expect(c.state.endedAt - reloadedAt).toBeGreaterThanOrEqual(LIMIT_MS - 150);
  }
  // No reply lost: each request that reached the backend was answered to its client (the one
  // sent after the limit, if any, never reached the backend and is the only one unanswered).
  for (const [i, c] of clients.entries()) {
    const atBackend = [...received].filter((line) => line.startsWith(`c${i}-`));
    expect(c.replies).toEqual(atBackend);
    expect(c.sent() - c.replies.length).toBeLessThanOrEqual(1);
  }
  // Replies were on their way when the backend got our FIN (so the check above is not vacuous).
  expect(inFlightAtFin.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  await eventually(() => oldPids.every((pid) => !isRunning(pid)), 15_000);
  const exitedAt = Date.now();
  const ends = clients.map((c) => c.state.endedAt - reloadedAt);
  console.log(
    `reload drain limit ${LIMIT_MS} ms: ${CONNECTIONS} connections ended by FIN ${Math.min(...ends)}–${Math.max(...ends)} ms after "reload done" was seen, ` +
      `0 resets, ${clients.reduce((n, c) => n + c.replies.length, 0)} replies, ${inFlightAtFin.reduce((a, b) => a + b, 0)} of them in flight at the FIN and delivered; ` +
      `old workers gone ≤ ${exitedAt - reloadedAt} ms after it`,
  );
  expect(f.stderr()).toBe('');
}, 60_000);
