// Failures of the data plane with `--workers 2` reach the operator as documented codes, never as a
// bare 500: a change made while every worker is being restarted is 503 ENGINE_UNAVAILABLE.
import { expect, it } from 'vitest';
import type { ApiErrorBody, ServiceDto } from '@fulcrum/shared/api';
import { eventually, freePort } from '../helpers.ts';
import type { TcpServer } from '../helpers.ts';
import { shareWorkersWithEcho } from './harness.ts';
import type { Fulcrum } from './harness.ts';

let f: Fulcrum;
let echo: TcpServer;

shareWorkersWithEcho((started) => ({ f, echo } = started));

it('a change while no worker is live is refused with 503 ENGINE_UNAVAILABLE, and nothing changed', async () => {
  const before = await f.workers();
  const old = before.workers.map((w) => w.pid);
  for (const pid of old) process.kill(pid, 'SIGKILL');
  // Both gone and their replacements not live yet (loading takes a while): no worker can check a change.
  await eventually(async () => {
    const info = await f.workers();
    return info.workers.every((w) => !old.includes(w.pid) && w.state !== 'live');
  });
  const port = await freePort();
  const res = await f.api<ApiErrorBody>('POST', '/api/services', {
    name: 'while-restarting',
    listen: `127.0.0.1:${port}`,
    healthCheck: { type: 'none' },
    backends: [{ address: `127.0.0.1:${echo.port}` }],
  });
  expect(res.status).toBe(503);
  expect(res.body.code).toBe('ENGINE_UNAVAILABLE');
  expect(res.body.message).toMatch(/no engine worker is running right now.*nothing was changed/);
  const list = (await f.api<ServiceDto[]>('GET', '/api/services')).body;
  expect(list.some((s) => s.name === 'while-restarting')).toBe(false);
  // Once the replacements are live, the same change goes through.
  await eventually(async () => (await f.workers()).workers.filter((w) => w.state === 'live').length === 2, 60_000);
  const again = await f.api('POST', '/api/services', {
    name: 'while-restarting',
    listen: `127.0.0.1:${port}`,
    healthCheck: { type: 'none' },
    backends: [{ address: `127.0.0.1:${echo.port}` }],
  });
  expect(again.status).toBe(201);
}, 90_000);
