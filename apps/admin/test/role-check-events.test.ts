// A role-aware redis check through the whole admin: a service created through the API in front of
// a real primary and replica; the replica's "role is replica" reaches the event log and the stats,
// and after a failover (REPLICAOF NO ONE, REPLICAOF on the old primary) the service follows.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventDto, ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { api, eventually, freePort, startApp } from './helpers.ts';

const children: ChildProcess[] = [];
let t: TestApp | undefined;
// A replica stores the primary's snapshot (dump.rdb) in --dir: a temp dir, not the repository.
const dir = mkdtempSync(join(tmpdir(), 'fulcrum-role-events-'));

afterEach(async () => {
  await t?.close();
  for (const c of children.splice(0)) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const exited = once(c, 'exit');
    c.kill('SIGKILL');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** One inline command on a new connection; the first reply line ('' on error). */
function redis(port: number, command: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (v: string) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(''));
    s.on('error', () => done(''));
    s.on('data', (d) => {
      buf += String(d);
      if (buf.includes('\r\n')) done(buf);
    });
    s.write(`${command}\r\n`);
  });
}

async function startRedis(...extra: string[]): Promise<number> {
  const port = await freePort();
  children.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...extra], { stdio: 'ignore' }));
  await eventually(async () => (await redis(port, 'PING')).startsWith('+PONG'));
  return port;
}

describe('redis role check through the admin', () => {
  it('the replica is down as "role is replica" in events and stats; the service follows a failover', async () => {
    const a = await startRedis();
    const b = await startRedis('--replicaof', '127.0.0.1', String(a));
    await eventually(async () => (await redis(b, 'ROLE')).includes('connected'));
    t = await startApp();
    const created = await api(t.app, 'POST', '/api/services', {
      name: 'redis-write',
      listen: `127.0.0.1:${await freePort()}`,
      healthCheck: { type: 'redis', role: 'primary', intervalMs: 200, timeoutMs: 500, rise: 2, fall: 2 },
      backends: [{ address: `127.0.0.1:${a}` }, { address: `127.0.0.1:${b}` }],
    });
    expect(created.statusCode).toBe(201);
    const svc = created.json<ServiceDto>();
    const [ba, bb] = svc.backends;
    const healthOf = async (id: number) => (await api(t!.app, 'GET', '/api/stats')).json<StatsDto>().services.find((s) => s.id === svc.id)?.backends.find((x) => x.id === id)?.health;
    const downEvent = async (id: number) =>
      (await api(t!.app, 'GET', `/api/events?kind=backend-health&serviceId=${svc.id}&limit=500`)).json<{ events: EventDto[] }>().events.find((e) => e.backendId === id && e.details.to === 'down');

    const replicaDown = await eventually(() => downEvent(bb!.id));
    expect(replicaDown.details.reason).toBe('fall: 2 × role is replica');
    expect(replicaDown.message).toContain('role is replica');
    expect(await healthOf(bb!.id)).toBe('down');
    await eventually(async () => (await healthOf(ba!.id)) === 'up');

    expect(await redis(b, 'REPLICAOF NO ONE')).toMatch(/^\+OK/);
    expect(await redis(a, `REPLICAOF 127.0.0.1 ${b}`)).toMatch(/^\+OK/);
    await eventually(async () => (await healthOf(bb!.id)) === 'up' && (await healthOf(ba!.id)) === 'down');
    expect((await downEvent(ba!.id))?.details.reason).toBe('fall: 2 × role is replica');
  }, 60_000);
});
