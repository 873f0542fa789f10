// A real `fulcrum` process records its own start and graceful stop in the event log; a SIGKILLed
// one simply has no stop event.
import { afterEach, expect, it } from 'vitest';
import type { EventDto } from '@fulcrum/shared/api';
import { freePort, tempDir } from './helpers.ts';
import { killChildren, run } from './cli-helpers.ts';

const TOKEN = 'lifecycle-token-0123456789abcdef';
const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  killChildren();
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function start(dataDir: string, adminPort: number) {
  const r = run(['--data', dataDir, '--admin', `127.0.0.1:${adminPort}`], { FULCRUM_ADMIN_TOKEN: TOKEN });
  await r.waitFor(/fulcrum: dashboard /);
  return r;
}

async function lifecycleEvents(adminPort: number): Promise<EventDto[]> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/api/events?actor=system`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: EventDto[] }).events;
}

it('records admin-started at start and admin-stopped on SIGTERM, both there after a restart', async () => {
  const data = tempDir();
  cleanup.push(data.remove);
  const adminPort = await freePort();
  const first = await start(data.dir, adminPort);
  const firstPid = first.child.pid!;
  expect((await lifecycleEvents(adminPort)).map((e) => [e.kind, e.details.pid])).toEqual([['admin-started', firstPid]]);
  process.kill(firstPid, 'SIGTERM');
  expect(await first.exit()).toBe(0);

  const second = await start(data.dir, adminPort);
  const events = await lifecycleEvents(adminPort);
  expect(events.map((e) => [e.kind, e.details.pid])).toEqual([
    ['admin-started', second.child.pid],
    ['admin-stopped', firstPid],
    ['admin-started', firstPid],
  ]);
  expect(events[1]!.message).toMatch(new RegExp(`^admin stopped \\(pid ${firstPid}\\) after \\d+ s$`));
  expect(events[2]!.message).toBe(`admin started (pid ${firstPid}) on http://127.0.0.1:${adminPort}/`);
  process.kill(second.child.pid!, 'SIGTERM');
  expect(await second.exit()).toBe(0);
});

it('records no stop for a process killed with SIGKILL', async () => {
  const data = tempDir();
  cleanup.push(data.remove);
  const adminPort = await freePort();
  const first = await start(data.dir, adminPort);
  const firstPid = first.child.pid!;
  process.kill(firstPid, 'SIGKILL');
  await first.exit();

  const second = await start(data.dir, adminPort);
  expect((await lifecycleEvents(adminPort)).map((e) => [e.kind, e.details.pid])).toEqual([
    ['admin-started', second.child.pid],
    ['admin-started', firstPid],
  ]);
  process.kill(second.child.pid!, 'SIGTERM');
  expect(await second.exit()).toBe(0);
});
