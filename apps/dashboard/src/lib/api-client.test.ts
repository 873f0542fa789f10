import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, errorMessage, messageForField, setUnauthorizedHandler } from './api-client.ts';

interface Captured {
  url: string;
  init: RequestInit;
}

function stubFetch(status: number, body: unknown): Captured[] {
  const calls: Captured[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const text = body === undefined ? '' : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status, headers: { 'content-type': 'application/json' } });
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(null);
});

describe('api client', () => {
  it('sends the CSRF header and JSON body on changes, not on reads', async () => {
    const calls = stubFetch(200, { id: 1 });
    await api.patch('/services/1', { strategy: 'random' });
    await api.get('/services');
    const [patch, get] = calls;
    expect(patch?.url).toBe('/api/services/1');
    expect(patch?.init.method).toBe('PATCH');
    expect((patch?.init.headers as Record<string, string>)['x-fulcrum-csrf']).toBe('1');
    expect(patch?.init.body).toBe('{"strategy":"random"}');
    expect(patch?.init.credentials).toBe('same-origin');
    expect((get?.init.headers as Record<string, string>)['x-fulcrum-csrf']).toBeUndefined();
  });

  it('returns undefined for 204', async () => {
    stubFetch(204, undefined);
    await expect(api.delete('/services/1')).resolves.toBeUndefined();
  });

  it('throws a typed error carrying code and field', async () => {
    stubFetch(409, { statusCode: 409, code: 'DUPLICATE_BACKEND', message: 'already there', field: 'address' });
    const error = await api.post('/services/1/backends', { address: 'a:1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ statusCode: 409, code: 'DUPLICATE_BACKEND', field: 'address', message: 'already there' });
  });

  it('reports a lost session once, unless the caller handles 401 itself', async () => {
    const lost = vi.fn();
    setUnauthorizedHandler(lost);
    stubFetch(401, { statusCode: 401, code: 'UNAUTHORIZED', message: 'no session' });
    await expect(api.get('/services')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(lost).toHaveBeenCalledTimes(1);
    await expect(api.get('/session', { allowUnauthorized: true })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('maps a non-JSON failure and a network failure to client codes', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(api.get('/stats')).rejects.toMatchObject({ statusCode: 502, code: 'BAD_RESPONSE' });
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    await expect(api.get('/stats')).rejects.toMatchObject({ statusCode: 0, code: 'NETWORK_ERROR' });
  });
});

describe('errorMessage', () => {
  it('shows the admin\'s own wording, without a prefix that repeats the field', async () => {
    stubFetch(400, { statusCode: 400, code: 'VALIDATION_ERROR', message: 'retries: must be an integer from 0 to 10', field: 'retries' });
    const error = await api.patch('/services/1', { retries: 11 }).catch((e: unknown) => e);
    expect(errorMessage(error)).toBe('must be an integer from 0 to 10');
    expect((error as ApiError).message).toBe('retries: must be an integer from 0 to 10');
  });
  it('keeps any other text as it is', () => {
    expect(messageForField('YAML: bad indentation')).toBe('YAML: bad indentation');
    expect(messageForField('listen: 127.0.0.1:80 is already in use', 'address')).toBe('listen: 127.0.0.1:80 is already in use');
    expect(messageForField('services[0].retries: must be an integer from 0 to 10', 'retries')).toBe('services[0].retries: must be an integer from 0 to 10');
  });
});
