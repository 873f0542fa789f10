// The OpenAPI document: generated from the route schemas, complete, served with Swagger UI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { Type } from '@sinclair/typebox';
import { API_ERROR_CODES } from '@fulcrum/shared/api';
import { requireRouteDocs } from '../src/http/openapi.ts';
import type { TestApp } from './helpers.ts';
import { startApp } from './helpers.ts';

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
  parameters?: { in: string; name: string; required?: boolean; description?: string }[];
}
interface Spec {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }>; securitySchemes: Record<string, unknown> };
}

/** Every route of the admin, as OpenAPI paths. */
const ROUTES = [
  'GET /api/health',
  'POST /api/login',
  'POST /api/logout',
  'GET /api/session',
  'GET /api/services',
  'POST /api/services',
  'GET /api/services/{id}',
  'GET /api/services/{id}/history',
  'PATCH /api/services/{id}',
  'DELETE /api/services/{id}',
  'POST /api/services/{id}/backends',
  'PATCH /api/services/{id}/backends/{backendId}',
  'DELETE /api/services/{id}/backends/{backendId}',
  'POST /api/services/{id}/backends/{backendId}/rebalance',
  'GET /api/services/{id}/connections',
  'DELETE /api/services/{id}/connections/{connectionId}',
  'POST /api/services/{id}/backends/{backendId}/close-connections',
  'GET /api/stats',
  'GET /api/events',
  'GET /api/cluster',
  'GET /api/live',
  'GET /api/config',
  'PUT /api/config',
  'GET /api/tokens',
  'POST /api/tokens',
  'DELETE /api/tokens/{id}',
  'GET /metrics',
];
const PUBLIC = new Set(['GET /api/health', 'POST /api/login', 'POST /api/logout']);

let t: TestApp;
let spec: Spec;

beforeAll(async () => {
  t = await startApp();
  const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
  expect(res.statusCode).toBe(200);
  spec = res.json<Spec>();
});

afterAll(async () => {
  await t.close();
});

const operations = () =>
  Object.entries(spec.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const));

describe('/api/docs/json', () => {
  it('lists every route, and nothing else', () => {
    expect(spec.openapi).toMatch(/^3\./);
    expect(operations().map(([name]) => name).sort()).toEqual([...ROUTES].sort());
  });

  it('gives every operation a summary, a tag and error responses that are ApiErrorBody', () => {
    for (const [name, op] of operations()) {
      expect(op.summary, name).toBeTruthy();
      expect(op.tags?.length, name).toBeGreaterThan(0);
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      expect(errors.map(([status]) => status), name).toContain('500');
      if (!PUBLIC.has(name)) expect(errors.map(([status]) => status), name).toContain('401');
      for (const [status, response] of errors) {
        expect(response.content?.['application/json']?.schema?.$ref, `${name} ${status}`).toBe('#/components/schemas/ApiErrorBody');
        expect(response.description, `${name} ${status}`).not.toBe('Default Response');
      }
    }
    expect(Object.keys(spec.components.schemas.ApiErrorBody!.properties!)).toEqual(['statusCode', 'code', 'message', 'field']);
  });

  it('marks the public routes as needing no credentials and the rest as bearer or session', () => {
    for (const [name, op] of operations()) {
      if (PUBLIC.has(name)) expect(op.security, name).toEqual([]);
      else expect(op.security, name).toBeUndefined(); // the document-wide default
    }
    expect(Object.keys(spec.components.securitySchemes)).toEqual(['bearer', 'session']);
  });

  it('documents the optional If-Match header on every change guarded by a version', () => {
    const guarded = [
      'PATCH /api/services/{id}',
      'DELETE /api/services/{id}',
      'POST /api/services/{id}/backends',
      'PATCH /api/services/{id}/backends/{backendId}',
      'DELETE /api/services/{id}/backends/{backendId}',
      'PUT /api/config',
    ];
    const withIfMatch = operations()
      .filter(([, op]) => op.parameters?.some((p) => p.in === 'header' && p.name === 'if-match'))
      .map(([name]) => name);
    expect(withIfMatch.sort()).toEqual(guarded.sort());
    for (const [name, op] of operations().filter(([n]) => guarded.includes(n))) {
      const header = op.parameters!.find((p) => p.name === 'if-match')!;
      expect(header.required, name).toBeFalsy();
      expect(header.description, name).toMatch(name === 'PUT /api/config' ? /ETag/ : /service version/);
    }
  });

  it('mentions every documented error code in some response description, or as an error of any request', () => {
    const descriptions = operations()
      .flatMap(([, op]) => Object.values(op.responses).map((r) => r.description ?? ''))
      .join(' ');
    for (const code of Object.keys(API_ERROR_CODES)) expect(`${descriptions} ${spec.info.description}`, code).toContain(code);
    // Errors raised before routing are listed once, in the document's description.
    for (const code of ['MALFORMED_REQUEST', 'REQUEST_TIMEOUT', 'URI_TOO_LONG', 'HEADERS_TOO_LARGE']) expect(spec.info.description).toContain(code);
  });

  it('is the same document at /api/openapi.json, and public', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(spec);
  });
});

describe('/api/docs', () => {
  it('serves Swagger UI without a token, under the app-wide security headers', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger-ui-bundle.js');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    const script = await t.app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui-bundle.js' });
    expect(script.statusCode).toBe(200);
    const yaml = await t.app.inject({ method: 'GET', url: '/api/docs/yaml' });
    expect(yaml.statusCode).toBe(200);
    expect(yaml.body).toContain('openapi:');
  });
});

describe('requireRouteDocs', () => {
  it('refuses an API route without summary, tags or error responses', async () => {
    const app = Fastify();
    app.addHook('onRoute', requireRouteDocs);
    expect(() => app.get('/api/undocumented', async () => 'x')).toThrow(/needs schema.summary, schema.tags and error responses/);
    expect(() =>
      app.get('/api/half', { schema: { summary: 's', tags: ['t'], response: { 200: Type.String() } } }, async () => 'x'),
    ).toThrow(/error responses/);
    expect(() => app.get('/elsewhere', async () => 'x')).not.toThrow();
    await app.close();
  });
});
