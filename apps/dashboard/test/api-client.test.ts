// The console's HTTP client against a real HTTP server on 127.0.0.1: what goes over the wire
// (method, path, CSRF header, JSON body) and how answers become values or typed errors.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, ApiError, errorMessage, setUnauthorizedHandler } from '../src/lib/api-client.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Answer {
  status: number;
  body?: string;
  contentType?: string;
}

// The page's origin in a browser; Node's fetch (undici) resolves the client's relative `/api/…` against it.
const GLOBAL_ORIGIN = Symbol.for('undici.globalOrigin.1');
const globals = globalThis as unknown as Record<symbol, URL | undefined>;

let server: Server;
let origin: URL;
let received: Received[] = [];
let answer: (request: Received) => Answer = () => ({ status: 500 });

const json = (status: number, value: unknown): Answer => ({ status, body: JSON.stringify(value), contentType: 'application/json; charset=utf-8' });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      received.push(request);
      const { status, body: text, contentType } = answer(request);
      res.writeHead(status, contentType ? { 'content-type': contentType } : {});
      res.end(text);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  globals[GLOBAL_ORIGIN] = origin;
});

afterEach(() => {
  received = [];
  globals[GLOBAL_ORIGIN] = origin;
  setUnauthorizedHandler(null);
});

afterAll(async () => {
  delete globals[GLOBAL_ORIGIN];
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('api client', () => {
  it('sends the CSRF header and a JSON body on changes, not on reads', async () => {
    answer = (r) => (r.method === 'PATCH' ? json(200, { id: 1, strategy: 'random' }) : json(200, [{ id: 1 }]));
    await expect(api.patch('/services/1', { strategy: 'random' })).resolves.toEqual({ id: 1, strategy: 'random' });
    await expect(api.get('/services')).resolves.toEqual([{ id: 1 }]);
    const [patch, get] = received;
    expect(patch).toMatchObject({ method: 'PATCH', url: '/api/services/1', body: '{"strategy":"random"}' });
    expect(patch!.headers).toMatchObject({ 'x-fulcrum-csrf': '1', 'content-type': 'application/json', accept: 'application/json' });
    expect(get).toMatchObject({ method: 'GET', url: '/api/services', body: '' });
    expect(get!.headers['x-fulcrum-csrf']).toBeUndefined();
    expect(get!.headers['content-type']).toBeUndefined();
  });

  it('sends the CSRF header on a change without a body, and returns undefined for 204', async () => {
    answer = () => ({ status: 204 });
    await expect(api.delete('/services/1')).resolves.toBeUndefined();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'DELETE', url: '/api/services/1', body: '' });
    expect(received[0]!.headers['x-fulcrum-csrf']).toBe('1');
  });

  it('throws a typed error carrying code and field', async () => {
    answer = () => json(409, { statusCode: 409, code: 'DUPLICATE_BACKEND', message: 'already there', field: 'address' });
    const error = await api.post('/services/1/backends', { address: 'a:1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ statusCode: 409, code: 'DUPLICATE_BACKEND', field: 'address', message: 'already there' });
    expect(received[0]).toMatchObject({ method: 'POST', url: '/api/services/1/backends', body: '{"address":"a:1"}' });
  });

  it('reports a lost session once, unless the caller handles 401 itself', async () => {
    const lost = vi.fn();
    setUnauthorizedHandler(lost);
    answer = () => json(401, { statusCode: 401, code: 'UNAUTHORIZED', message: 'no session' });
    await expect(api.get('/services')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(lost).toHaveBeenCalledTimes(1);
    await expect(api.get('/session', { allowUnauthorized: true })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(lost).toHaveBeenCalledTimes(1);
    expect(received.map((r) => r.url)).toEqual(['/api/services', '/api/session']);
  });

  it('maps a non-JSON failure to BAD_RESPONSE', async () => {
    answer = () => ({ status: 502, body: '<html>bad gateway</html>', contentType: 'text/html' });
    await expect(api.get('/stats')).rejects.toMatchObject({ statusCode: 502, code: 'BAD_RESPONSE' });
    expect(received).toHaveLength(1);
  });

  it('maps an unreachable server to NETWORK_ERROR', async () => {
    // A port that was just free: nothing listens there, the connection is refused.
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    globals[GLOBAL_ORIGIN] = new URL(`http://127.0.0.1:${closedPort}`);
    await expect(api.get('/stats')).rejects.toMatchObject({ statusCode: 0, code: 'NETWORK_ERROR' });
    expect(received).toHaveLength(0);
  });

  it("shows an API error to the operator in the admin's own words, by its field", async () => {
    answer = () => json(400, { statusCode: 400, code: 'VALIDATION_ERROR', message: 'retries: must be an integer from 0 to 10', field: 'retries' });
    const error = await api.patch('/services/1', { retries: 11 }).catch((e: unknown) => e);
    expect(errorMessage(error)).toBe('must be an integer from 0 to 10');
    expect((error as ApiError).message).toBe('retries: must be an integer from 0 to 10');
  });
});
