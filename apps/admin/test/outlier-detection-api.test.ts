// Outlier-detection settings through the API (README "Passive health"): defaults answered,
// validated with a 400 naming the field and nothing changed, persisted, exported, and live —
// a PATCH turns the failure-rate detector on for a running service and a flaky backend (a real
// server that resets 3 of every 5 connections before its first byte) is ejected. Refused
// ejections show in the event log and /metrics.
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody, EventDto, ServiceDto } from '@fulcrum/shared/api';
import type { TestApp, TcpServer } from './helpers.ts';
import { TOKEN, api, eventually, freePort, startApp, startEchoServer, startTcpServer, untouched } from './helpers.ts';

/** Fails 3 of every 5 connections, never 3 in a row: F S F F S (F = reset when the request comes, S = echo). */
function startFlaky(): Promise<TcpServer> {
  const pattern = [true, false, true, true, false];
  let n = 0;
  return startTcpServer((s) => {
    if (pattern[n++ % pattern.length]) s.once('data', () => s.resetAndDestroy());
    else s.on('data', (d) => s.write(d));
  });
}

/** One client: sends a line, resolves with what came back before the connection ended. */
function attempt(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => s.write(payload));
    s.on('data', (d) => {
      got += String(d);
      if (got.length >= payload.length) s.destroy();
    });
    s.on('error', () => {});
    s.on('close', () => resolve(got));
  });
}

let t: TestApp;
const servers: TcpServer[] = [];

beforeEach(async () => {
  t = await startApp();
});
afterEach(async () => {
  await t.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function createService(backends: TcpServer[], healthCheck: Record<string, unknown> = {}) {
  const port = await freePort();
  const res = await api(t.app, 'POST', '/api/services', {
    name: 'flaky',
    listen: `127.0.0.1:${port}`,
    strategy: 'round-robin',
    retries: 0,
    healthCheck: { type: 'none', intervalMs: 60_000, ...healthCheck },
    backends: backends.map((s) => ({ address: `127.0.0.1:${s.port}` })),
  });
  expect(res.statusCode).toBe(201);
  return { svc: res.json<ServiceDto>(), port };
}

const healthOf = (serviceId: number, backendPort: number) =>
  t.engine.stats().services.find((s) => s.id === serviceId)?.backends.find((b) => b.address === `127.0.0.1:${backendPort}`)?.health;

describe('outlier detection settings', () => {
  it('answers the shared defaults: failure rate off, window 100, minimum volume 20, maxEjectionPercent 50', async () => {
    const { svc } = await createService([]);
    expect(svc.healthCheck).toMatchObject({ passiveFailures: 3, passiveFailurePercent: 0, passiveWindow: 100, passiveMinVolume: 20, maxEjectionPercent: 50 });
  });

  it('a PATCH turns the failure-rate detector on live: the flaky backend the consecutive detector kept is ejected; persisted and exported', async () => {
    const flaky = await startFlaky();
    const good = await startEchoServer();
    servers.push(flaky, good);
    const { svc, port } = await createService([flaky, good]);
    for (let i = 0; i < 20; i++) await attempt(port, `ping ${i}`);
    expect(flaky.accepted).toBe(10);
    expect(healthOf(svc.id, flaky.port)).toBe('up');

    const res = await api(t.app, 'PATCH', `/api/services/${svc.id}`, { healthCheck: { passiveFailurePercent: 50, passiveWindow: 10, passiveMinVolume: 5, maxEjectionPercent: 60 } });
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceDto>().healthCheck).toMatchObject({ passiveFailurePercent: 50, passiveWindow: 10, passiveMinVolume: 5, maxEjectionPercent: 60 });
    expect(t.engine.config.services[0]!.healthCheck).toMatchObject({ passiveFailurePercent: 50, passiveWindow: 10, passiveMinVolume: 5, maxEjectionPercent: 60 });

    for (let i = 0; i < 40 && healthOf(svc.id, flaky.port) !== 'down'; i++) await attempt(port, `again ${i}`);
    const ejected = await eventually(async () => {
      const events = (await api(t.app, 'GET', '/api/events?limit=100')).json<{ events: EventDto[] }>().events;
      return events.find((e) => e.kind === 'backend-health' && e.message.includes(`127.0.0.1:${flaky.port}`) && e.message.includes('failed (≥ 50 %)'));
    }, 5000);
    expect(ejected.details).toMatchObject({ to: 'down' });

    const yaml = (await api(t.app, 'GET', '/api/config?format=yaml')).body;
    for (const line of ['passiveFailurePercent: 50', 'passiveWindow: 10', 'passiveMinVolume: 5', 'maxEjectionPercent: 60']) expect(yaml).toContain(line);
    const dir = t.dir;
    await t.close({ keepDir: true });
    t = await startApp({ dir });
    const again = (await api(t.app, 'GET', `/api/services/${svc.id}`)).json<ServiceDto>();
    expect(again.healthCheck).toMatchObject({ passiveFailurePercent: 50, passiveWindow: 10, passiveMinVolume: 5, maxEjectionPercent: 60 });
  });

  it('OpenAPI documents the settings with their shared ranges', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).body;
    const ranges: Record<string, [number, number]> = { passiveFailurePercent: [0, 100], passiveWindow: [1, 1000], passiveMinVolume: [1, 1000], maxEjectionPercent: [0, 100] };
    const found = new Map<string, { minimum?: number; maximum?: number }>();
    JSON.parse(spec, (key, value: unknown) => {
      if (key in ranges && typeof value === 'object' && value !== null && 'maximum' in value) found.set(key, value as { minimum?: number; maximum?: number });
      return value;
    });
    for (const [key, [min, max]] of Object.entries(ranges)) expect(found.get(key)).toMatchObject({ minimum: min, maximum: max });
  });

  it.each([
    [{ passiveFailurePercent: -1 }, 'healthCheck.passiveFailurePercent'],
    [{ passiveFailurePercent: 101 }, 'healthCheck.passiveFailurePercent'],
    [{ maxEjectionPercent: -5 }, 'healthCheck.maxEjectionPercent'],
    [{ maxEjectionPercent: 150 }, 'healthCheck.maxEjectionPercent'],
    [{ passiveWindow: 0 }, 'healthCheck.passiveWindow'],
    [{ passiveMinVolume: 1001 }, 'healthCheck.passiveMinVolume'],
    [{ passiveWindow: 4, passiveMinVolume: 5 }, 'healthCheck.passiveWindow'],
    // Below the stored minimum volume (20).
    [{ passiveWindow: 10 }, 'healthCheck.passiveWindow'],
    [{ passiveFailureRate: 50 }, 'healthCheck.passiveFailureRate'],
  ])('PATCH healthCheck %j is a 400 naming %s, nothing changed', async (healthCheck, field) => {
    const { svc } = await createService([]);
    const before = untouched(t);
    const res = await api(t.app, 'PATCH', `/api/services/${svc.id}`, { healthCheck });
    expect(res.statusCode).toBe(400);
    const body = res.json<ApiErrorBody>();
    expect(body.code).toBe('VALIDATION_ERROR');
    expect(body.field).toBe(field);
    expect(untouched(t)).toEqual(before);
  });

  it('a configuration document with a window below its minimum volume is refused, naming the field', async () => {
    const before = untouched(t);
    const doc = { version: 1, services: [{ name: 'x', listen: `127.0.0.1:${await freePort()}`, healthCheck: { passiveWindow: 5, passiveMinVolume: 6 }, backends: [] }] };
    const res = await api(t.app, 'PUT', '/api/config', doc);
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().field).toBe('services[0].healthCheck.passiveWindow');
    expect(untouched(t)).toEqual(before);
  });

  it('with 4 flaky backends and maxEjectionPercent 50, 2 are ejected; the refusals are an EJECTION_CAPPED event and a /metrics counter', async () => {
    const flaky = await Promise.all([0, 1, 2, 3].map(() => startFlaky()));
    servers.push(...flaky);
    const { svc, port } = await createService(flaky, { passiveFailurePercent: 50, passiveWindow: 10, passiveMinVolume: 5 });
    const capped = () => t.engine.stats().services[0]!.ejectionsCapped;
    for (let i = 0; i < 200 && capped() === 0; i++) await attempt(port, `ping ${i}`);
    expect(capped()).toBeGreaterThan(0);
    expect(flaky.filter((s) => healthOf(svc.id, s.port) === 'down')).toHaveLength(2);
    const event = await eventually(async () => {
      const events = (await api(t.app, 'GET', '/api/events?limit=100')).json<{ events: EventDto[] }>().events;
      return events.find((e) => e.kind === 'service-error' && e.details.code === 'EJECTION_CAPPED');
    }, 5000);
    expect(event.message).toMatch(/^service "flaky": backend 127\.0\.0\.1:\d+ not ejected \(passive: .*\): 2 of 4 backends are ejected already, maxEjectionPercent 50 allows 2$/);
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(metrics.body).toMatch(new RegExp(`^fulcrum_service_ejections_capped_total\\{service="flaky"\\} ${capped()}$`, 'm'));
  });
});
