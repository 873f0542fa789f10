// Shutdown of `fulcrum --workers 2`: SIGTERM drains (established connections keep working until
// they close, then exit 0), the shutdown timeout ends connections that never close, a second
// signal exits at once, and workers never outlive a primary that was killed.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, refused, startEchoServer } from '../helpers.ts';
import type { TcpServer } from '../helpers.ts';
import { EchoConnection, cleanup, createService, isRunning, onCleanup, startFulcrum } from './harness.ts';
import type { Fulcrum } from './harness.ts';

afterEach(cleanup);

async function cluster(args: string[] = []): Promise<{ f: Fulcrum; port: number; workerPids: number[]; echo: TcpServer }> {
  const echo = await startEchoServer();
  onCleanup(() => echo.close());
  const f = await startFulcrum({ workers: 2, args });
  const { port } = await createService(f, [echo.port]);
  const workerPids = (await f.workers()).workers.map((w) => w.pid);
  return { f, port, workerPids, echo };
}

describe('shutdown with workers', () => {
  it('SIGTERM: stops accepting, established connections keep working until they close, then exit 0', async () => {
    const { f, port, workerPids } = await cluster(['--shutdown-timeout', '30000']);
    const conns = await Promise.all([0, 1, 2, 3].map(() => EchoConnection.open(port)));
    for (const [i, c] of conns.entries()) await c.roundTrip(`before ${i}\n`);

    process.kill(f.pid, 'SIGTERM');
    await f.waitFor(/fulcrum: SIGTERM: shutting down \(established connections get up to 30 s to finish\)/);
    await eventually(() => refused(port));
    for (let round = 0; round < 3; round++) {
      for (const [i, c] of conns.entries()) await c.roundTrip(`after ${i}.${round}\n`);
    }
    expect(f.child.exitCode).toBeNull();
    expect(workerPids.some(isRunning)).toBe(true);

    for (const c of conns) c.close();
    expect(await f.exit()).toBe(0);
    expect(f.stdout()).toContain('fulcrum: stopped');
    expect(f.stderr()).toBe('');
    await eventually(() => workerPids.every((pid) => !isRunning(pid)));
  });

  it('ends connections that outlive --shutdown-timeout with FIN (no reset), then exits 0', async () => {
    const { f, port, workerPids } = await cluster(['--shutdown-timeout', '500']);
    const conn = await EchoConnection.open(port);
    await conn.roundTrip('hello\n');
    process.kill(f.pid, 'SIGTERM');
    expect(await f.exit()).toBe(0);
    await eventually(() => conn.closed);
    expect(conn.error).toBeUndefined();
    await eventually(() => workerPids.every((pid) => !isRunning(pid)));
  });

  it('SIGTERM during a reload drain with no limit: the old workers get --shutdown-timeout too, then exit 0', async () => {
    const { f, port, workerPids } = await cluster(['--shutdown-timeout', '500']);
    const conn = await EchoConnection.open(port);
    await conn.roundTrip('hello\n');
    process.kill(f.pid, 'SIGHUP');
    await f.waitFor(/fulcrum: reload done: generation 2 .*drain until their connections end/);
    await conn.roundTrip('still served by an old worker\n');
    const draining = (await f.workers()).workers.filter((w) => workerPids.includes(w.pid));
    expect(draining.length).toBeGreaterThan(0);
    expect(draining.every((w) => w.state === 'draining' && w.drainDeadline === null)).toBe(true);
    const sigtermAt = Date.now();
    process.kill(f.pid, 'SIGTERM');
    expect(await f.exit()).toBe(0);
    // Bounded by the shutdown timeout, not by the kill that backs it up 5 s later.
    expect(Date.now() - sigtermAt).toBeLessThan(4000);
    await eventually(() => conn.closed);
    expect(conn.error).toBeUndefined();
    expect(workerPids.some(isRunning)).toBe(false);
  });

  it('a second SIGTERM exits 1 at once and takes the workers with it', async () => {
    const { f, port, workerPids } = await cluster(['--shutdown-timeout', '30000']);
    const conn = await EchoConnection.open(port);
    await conn.roundTrip('hello\n');
    process.kill(f.pid, 'SIGTERM');
    await f.waitFor(/SIGTERM: shutting down/);
    process.kill(f.pid, 'SIGTERM');
    expect(await f.exit()).toBe(1);
    expect(f.stderr()).toContain('fulcrum: SIGTERM again: exiting without waiting for connections to drain');
    await eventually(() => workerPids.every((pid) => !isRunning(pid)));
    await eventually(() => conn.closed);
  });

  it('workers exit when the primary is killed', async () => {
    const { f, workerPids } = await cluster();
    expect(workerPids).toHaveLength(2);
    process.kill(f.pid, 'SIGKILL');
    await f.exit();
    await eventually(() => workerPids.every((pid) => !isRunning(pid)));
  });
});

describe('shutdown without workers (engine in the admin process)', () => {
  it('SIGTERM ends a connection that never closes at the timeout', async () => {
    const echo = await startEchoServer();
    onCleanup(() => echo.close());
    const f = await startFulcrum({ args: ['--shutdown-timeout', '500'] });
    expect((await f.workers()).mode).toBe('single');
    const { port } = await createService(f, [echo.port]);
    const conn = await EchoConnection.open(port);
    await conn.roundTrip('hello\n');

    process.kill(f.pid, 'SIGTERM');
    expect(await f.exit()).toBe(0);
    expect(f.stdout()).toContain('fulcrum: stopped');
    await eventually(() => conn.closed);
    expect(conn.error).toBeUndefined();
  });
});
