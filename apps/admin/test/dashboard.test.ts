// Serving the dashboard: static files, SPA fallback, the not-built 503, security headers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, expect, it } from 'vitest';
import type { ApiErrorBody } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { startApp, tempDir } from './helpers.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function withDashboard(): Promise<TestApp> {
  const dist = tempDir('fulcrum-dist-');
  cleanup.push(dist.remove);
  mkdirSync(join(dist.dir, 'assets'));
  writeFileSync(join(dist.dir, 'index.html'), '<!doctype html><title>Fulcrum</title><div id="root"></div>');
  writeFileSync(join(dist.dir, 'assets', 'app-1234.js'), 'console.log("fulcrum")');
  const t = await startApp({ dashboardDir: dist.dir });
  cleanup.push(() => t.close());
  return t;
}

it('serves index.html at / and for client-side routes, assets with long caching', async () => {
  const t = await withDashboard();
  const root = await t.app.inject({ method: 'GET', url: '/' });
  expect(root.statusCode).toBe(200);
  expect(root.headers['content-type']).toMatch(/text\/html/);
  expect(root.body).toContain('<div id="root">');
  expect(root.headers['cache-control']).toBe('no-cache');

  const deep = await t.app.inject({ method: 'GET', url: '/services/3?tab=backends' });
  expect(deep.statusCode).toBe(200);
  expect(deep.body).toContain('<div id="root">');

  const login = await t.app.inject({ method: 'GET', url: '/?token=abc' });
  expect(login.statusCode).toBe(200);

  const asset = await t.app.inject({ method: 'GET', url: '/assets/app-1234.js' });
  expect(asset.statusCode).toBe(200);
  expect(asset.headers['cache-control']).toContain('immutable');

  const missingAsset = await t.app.inject({ method: 'GET', url: '/assets/nope.js' });
  expect(missingAsset.statusCode).toBe(404);
});

it('serves the build\'s precompressed copies to browsers that accept them, the original otherwise', async () => {
  const dist = tempDir('fulcrum-dist-');
  cleanup.push(dist.remove);
  mkdirSync(join(dist.dir, 'assets'));
  writeFileSync(join(dist.dir, 'index.html'), '<!doctype html><title>Fulcrum</title><div id="root"></div>');
  const js = 'console.log("fulcrum");\n'.repeat(200);
  const file = join(dist.dir, 'assets', 'app-1234.js');
  writeFileSync(file, js);
  writeFileSync(`${file}.br`, brotliCompressSync(js));
  writeFileSync(`${file}.gz`, gzipSync(js));
  const t = await startApp({ dashboardDir: dist.dir });
  cleanup.push(() => t.close());
  const get = (encoding: string | undefined) =>
    t.app.inject({ method: 'GET', url: '/assets/app-1234.js', headers: encoding ? { 'accept-encoding': encoding } : {} });

  const br = await get('gzip, deflate, br, zstd');
  expect(br.statusCode).toBe(200);
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.headers['content-type']).toMatch(/javascript/);
  expect(String(br.headers['vary'])).toMatch(/accept-encoding/i);
  expect(br.headers['cache-control']).toContain('immutable');
  expect(brotliDecompressSync(br.rawPayload).toString()).toBe(js);
  expect(br.rawPayload.length).toBeLessThan(js.length / 10);

  const gz = await get('gzip');
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(gunzipSync(gz.rawPayload).toString()).toBe(js);

  const plain = await get(undefined);
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.body).toBe(js);
});

it('never answers /api with the SPA, and non-GETs get a JSON 404', async () => {
  const t = await withDashboard();
  const api = await t.app.inject({ method: 'GET', url: '/api/unknown' });
  expect(api.statusCode).toBe(404);
  expect(api.json<ApiErrorBody>()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  const post = await t.app.inject({ method: 'POST', url: '/somewhere', payload: {} });
  expect(post.statusCode).toBe(404);
  expect(post.json<ApiErrorBody>().code).toBe('NOT_FOUND');
});

it('says how to build the dashboard when it is missing', async () => {
  const t = await startApp();
  cleanup.push(() => t.close());
  const res = await t.app.inject({ method: 'GET', url: '/' });
  expect(res.statusCode).toBe(503);
  expect(res.headers['content-type']).toMatch(/text\/plain/);
  expect(res.body).toContain('pnpm build');
  const health = await t.app.inject({ method: 'GET', url: '/api/health' });
  expect(health.statusCode).toBe(200);
});

it('sends a CSP that allows the dashboard and little else', async () => {
  const t = await withDashboard();
  const res = await t.app.inject({ method: 'GET', url: '/', headers: { host: '127.0.0.1:8080' } });
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self' 'unsafe-inline'");
  expect(csp).toContain("connect-src 'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-eval');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  // A hostile Host header cannot inject directives.
  const evil = await t.app.inject({ method: 'GET', url: '/', headers: { host: "x; script-src 'unsafe-inline'" } });
  expect(String(evil.headers['content-security-policy'])).not.toContain("script-src 'unsafe-inline'");
});
