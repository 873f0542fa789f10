// Role-aware health-check settings through the API: the password is write-only (never answered,
// never in exports or events, kept by a PATCH that does not name it), and bad input is a 400
// naming the field with nothing changed — store, committed view, engine and audit log alike.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody, ServiceDto } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { api, freePort, startApp, untouched } from './helpers.ts';

const SECRET = 'hunter2-swordfish';
let t: TestApp;
let svc: ServiceDto;

const engineCheck = (id: number) => t.engine.config.services.find((s) => s.id === id)?.healthCheck;
/** Everything the admin says or keeps in the open: answers, export, events. */
async function everythingVisible(): Promise<string> {
  const parts = await Promise.all([
    api(t.app, 'GET', '/api/services'),
    api(t.app, 'GET', '/api/config?format=json'),
    api(t.app, 'GET', '/api/config?format=yaml'),
    api(t.app, 'GET', '/api/events?limit=500'),
  ]);
  return parts.map((r) => r.body).join('\n') + JSON.stringify(t.store.db.prepare('SELECT * FROM events').all());
}

beforeEach(async () => {
  t = await startApp();
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'redis-write',
    listen: `127.0.0.1:${await freePort()}`,
    healthCheck: { type: 'redis', role: 'primary', username: 'checker', password: SECRET, intervalMs: 60_000 },
    backends: [{ address: '127.0.0.1:7001' }, { address: '127.0.0.1:7002' }],
  });
  expect(res.statusCode).toBe(201);
  svc = res.json<ServiceDto>();
});

afterEach(async () => {
  await t.close();
});

describe('credentials are write-only', () => {
  it('answers passwordSet, never the password; the engine runs with it', async () => {
    expect(svc.healthCheck).toMatchObject({ type: 'redis', role: 'primary', username: 'checker', passwordSet: true });
    expect(svc.healthCheck).not.toHaveProperty('password');
    expect(engineCheck(svc.id)).toMatchObject({ role: 'primary', username: 'checker', password: SECRET });
    expect(await everythingVisible()).not.toContain(SECRET);
  });

  it('a PATCH that does not name the password keeps it; one that does changes it; "" removes it', async () => {
    let res = await api(t.app, 'PATCH', `/api/services/${svc.id}`, { healthCheck: { intervalMs: 30_000, role: 'replica' } });
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceDto>().healthCheck).toMatchObject({ role: 'replica', passwordSet: true });
    expect(engineCheck(svc.id)?.password).toBe(SECRET);

    res = await api(t.app, 'PATCH', `/api/services/${svc.id}`, { healthCheck: { password: `${SECRET}-2` } });
    expect(res.statusCode).toBe(200);
    expect(engineCheck(svc.id)?.password).toBe(`${SECRET}-2`);
    const events = await api(t.app, 'GET', '/api/events?limit=500');
    expect(events.body).toContain('healthCheck.password: set → changed');

    res = await api(t.app, 'PATCH', `/api/services/${svc.id}`, { healthCheck: { password: '', username: '' } });
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceDto>().healthCheck.passwordSet).toBe(false);
    expect(engineCheck(svc.id)?.password).toBe('');
    expect(await everythingVisible()).not.toContain(SECRET);
  });

  it('an exported document applied back keeps the password (passwordSet: true); one that claims a password nobody stored is refused', async () => {
    const doc = (await api(t.app, 'GET', '/api/config?format=json')).json<{ services: Record<string, unknown>[] }>();
    expect(JSON.stringify(doc)).not.toContain(SECRET);
    const put = await api(t.app, 'PUT', '/api/config', doc);
    expect(put.statusCode).toBe(200);
    expect(engineCheck(svc.id)?.password).toBe(SECRET);

    const before = untouched(t);
    const other = { name: 'new-one', listen: `127.0.0.1:${await freePort()}`, healthCheck: { type: 'redis', passwordSet: true } };
    const refused = await api(t.app, 'PUT', '/api/config', { ...doc, services: [...doc.services, other] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<ApiErrorBody>().field).toBe('services[1].healthCheck.password');
    expect(untouched(t)).toEqual(before);
  });

  it('a type change drops the old type\'s role and login', async () => {
    const res = await api(t.app, 'PATCH', `/api/services/${svc.id}`, { healthCheck: { type: 'tcp' } });
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceDto>().healthCheck).toMatchObject({ type: 'tcp', role: 'any', username: '', passwordSet: false });
    expect(engineCheck(svc.id)?.password).toBe('');
  });
});

describe('role-aware settings', () => {
  it('a postgres write endpoint and a sidecar check (checkPort, OPTIONS) are accepted and live', async () => {
    const pgRes = await api(t.app, 'POST', '/api/services', {
      name: 'pg-write',
      listen: `127.0.0.1:${await freePort()}`,
      healthCheck: { type: 'postgres', role: 'primary', user: 'checker', database: 'postgres', password: SECRET },
    });
    expect(pgRes.statusCode).toBe(201);
    const pgSvc = pgRes.json<ServiceDto>();
    expect(pgSvc.healthCheck).toMatchObject({ role: 'primary', user: 'checker', database: 'postgres', passwordSet: true });
    const http = await api(t.app, 'PATCH', `/api/services/${pgSvc.id}`, {
      healthCheck: { type: 'http', httpMethod: 'OPTIONS', httpPath: '/primary', checkPort: 8008 },
    });
    expect(http.statusCode).toBe(200);
    expect(engineCheck(pgSvc.id)).toMatchObject({ type: 'http', httpMethod: 'OPTIONS', httpPath: '/primary', checkPort: 8008, role: 'any', user: '', password: '' });
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['an unknown role', { role: 'leader' }, 'healthCheck.role'],
    ['a role the type does not have', { role: 'standby' }, 'healthCheck.role'],
    ['a role on a tcp check', { type: 'tcp', role: 'primary' }, 'healthCheck.role'],
    ['a role on an http check', { type: 'http', role: 'replica' }, 'healthCheck.role'],
    ['a password on a tcp check', { type: 'tcp', password: 'x' }, 'healthCheck.password'],
    ['a password on a send-expect check', { type: 'send-expect', send: 'PING\\r\\n', expect: '+PONG', password: 'x' }, 'healthCheck.password'],
    ['a postgres user on a redis check', { user: 'postgres' }, 'healthCheck.user'],
    ['a redis username on a postgres check', { type: 'postgres', username: 'checker' }, 'healthCheck.username'],
    ['a postgres role without a user', { type: 'postgres', role: 'primary' }, 'healthCheck.user'],
    ['a redis username without a password', { password: '' }, 'healthCheck.password'],
    ['a check port out of range', { checkPort: 70_000 }, 'healthCheck.checkPort'],
    ['an unknown http method', { type: 'http', httpMethod: 'DELETE' }, 'healthCheck.httpMethod'],
    ['passwordSet false with a password', { password: 'x', passwordSet: false }, 'healthCheck.passwordSet'],
  ];
  it.each(bad)('%s is a 400 naming the field, nothing changed', async (_what, healthCheck, field) => {
    const before = untouched(t);
    const res = await api(t.app, 'PATCH', `/api/services/${svc.id}`, { healthCheck });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().field).toBe(field);
    expect(untouched(t)).toEqual(before);
  });
});
