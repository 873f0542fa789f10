// Every refusal, from the HTTP parser to the route, answers the one ApiErrorBody with a code from
// API_ERROR_CODES and the status that code documents; parse errors name where the mistake is.
import { mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { API_ERROR_CODES } from '@fulcrum/shared/api';
import type { ApiErrorBody, ApiErrorCode } from '@fulcrum/shared/api';
import type { TestApp } from './helpers.ts';
import { TOKEN, api, startApp, tempDir, untouched } from './helpers.ts';

/** The status API_ERROR_CODES documents for `code` ("… [404]"). */
function documentedStatus(code: string): number {
  const text = (API_ERROR_CODES as Record<string, string>)[code];
  expect(text, `${code} is a documented code`).toBeDefined();
  return Number(/\[(\d{3})\]$/.exec(text!)?.[1]);
}

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** Checks that `res` is an ApiErrorBody with `code`, at the status the code documents. */
function expectError(res: Answer | LightMyRequestResponse, code: ApiErrorCode): ApiErrorBody {
  const status = 'status' in res ? res.status : res.statusCode;
  const contentType = 'status' in res ? res.contentType : (res.headers['content-type'] as string | undefined);
  expect(contentType, res.body).toBe('application/json; charset=utf-8');
  const error = JSON.parse(res.body) as ApiErrorBody;
  expect(error.code, res.body).toBe(code);
  expect(status).toBe(documentedStatus(code));
  expect(error.statusCode).toBe(status);
  expect(Object.keys(error).filter((k) => k !== 'field').sort()).toEqual(['code', 'message', 'statusCode']);
  return error;
}

/** One raw HTTP/1.1 exchange with a listening app (inject() would normalize what is tested here). */
async function raw(port: number, head: string): Promise<Answer> {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => {});
  socket.write(head);
  await once(socket, 'close');
  const [headers = '', body = ''] = text.split('\r\n\r\n');
  const lines = headers.split('\r\n');
  const contentType = lines.find((l) => /^content-type:/i.test(l))?.replace(/^content-type:\s*/i, '');
  return { status: Number(lines[0]?.split(' ')[1]), contentType, body };
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`;

describe('errors before a route runs', () => {
  let withDashboard: TestApp;
  let bare: TestApp;
  let port: number;
  const dist = tempDir('fulcrum-dist-');

  beforeAll(async () => {
    mkdirSync(join(dist.dir, 'assets'));
    writeFileSync(join(dist.dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dist.dir, 'assets', 'app-1.js'), 'console.log(1)');
    withDashboard = await startApp({ dashboardDir: dist.dir });
    bare = await startApp();
    await withDashboard.app.listen({ host: '127.0.0.1', port: 0 });
    port = (withDashboard.app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await withDashboard?.close();
    await bare?.close();
    dist.remove();
  });

  it('a path parameter longer than 100 characters is 414 URI_TOO_LONG, with or without the dashboard', async () => {
    for (const t of [withDashboard, bare]) {
      for (const url of [`/api/services/${'1'.repeat(101)}`, `/api/services/1/backends/${'9'.repeat(300)}`]) {
        const error = expectError(await api(t.app, 'GET', url), 'URI_TOO_LONG');
        expect(error.message).toBe('a path segment is longer than 100 characters');
      }
    }
    // 100 characters is still an id to validate: the parameter is named.
    const long = await api(bare.app, 'GET', `/api/services/${'1'.repeat(100)}`);
    expect(expectError(long, 'VALIDATION_ERROR').field).toBe('id');
  });

  it('a path that leaves the dashboard folder is a JSON 404 and reveals nothing', async () => {
    for (const path of ['/assets/../../etc/passwd', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%5c..%5cetc%5cpasswd', '/assets/app-1.js%00.txt']) {
      const res = await raw(port, get(path));
      const error = expectError(res, 'NOT_FOUND');
      expect(error.message, path).toBe('no such file');
      expect(res.body).not.toContain('root:');
    }
    // A missing file is the same JSON 404; files and client-side routes still work.
    expectError(await raw(port, get('/assets/missing.js')), 'NOT_FOUND');
    expect((await raw(port, get('/assets/app-1.js'))).status).toBe(200);
    expect((await raw(port, get('/services/1'))).status).toBe(200);
  });

  it('invalid percent-encoding and unreadable HTTP are 400 MALFORMED_REQUEST', async () => {
    expectError(await raw(port, get('/api/services/%E0%A4%A')), 'MALFORMED_REQUEST');
    expectError(await raw(port, get('/%')), 'MALFORMED_REQUEST');
    expectError(await raw(port, 'NOT HTTP AT ALL\r\n\r\n'), 'MALFORMED_REQUEST');
    expectError(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nine\r\n\r\n'), 'MALFORMED_REQUEST');
  });

  it('oversized headers are 431 HEADERS_TOO_LARGE', async () => {
    const res = await raw(port, `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'x'.repeat(64 * 1024)}\r\n\r\n`);
    expectError(res, 'HEADERS_TOO_LARGE');
  });

  it('a body in a format the route does not take is 415, naming what it takes', async () => {
    const before = untouched(bare);
    const text = await api(bare.app, 'POST', '/api/services', 'name=x', { 'content-type': 'text/plain' });
    expect(expectError(text, 'UNSUPPORTED_MEDIA_TYPE').message).toBe('content-type "text/plain" is not accepted here; send application/json');
    const form = await api(bare.app, 'PUT', '/api/config', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(expectError(form, 'UNSUPPORTED_MEDIA_TYPE').message).toMatch(/send application\/json or application\/yaml$/);
    expect(untouched(bare)).toEqual(before);
  });

  it('a body over the limit is 413 naming the limit', async () => {
    const res = await api(bare.app, 'POST', '/api/services', { name: 'big', listen: '127.0.0.1:1', pad: 'x'.repeat(70_000) });
    expect(expectError(res, 'PAYLOAD_TOO_LARGE').message).toBe("the request body is larger than this route's limit of 65536 bytes");
  });
});

describe('bodies that are not one well-formed object', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (url: string, payload: string, type = 'application/json') => api(t.app, url.startsWith('PUT ') ? 'PUT' : 'POST', url.replace(/^PUT /, ''), payload, { 'content-type': type });

  it('invalid JSON names line and column', async () => {
    const res = await post('/api/services', '{"name": "x",\n "listen": }');
    expect(expectError(res, 'VALIDATION_ERROR').message).toBe('JSON: unexpected character "}" at line 2, column 12');
    const cut = await post('PUT /api/config', '{"version": 1, "services": [');
    expect(expectError(cut, 'VALIDATION_ERROR').message).toBe('JSON: unexpected end of input at line 1, column 29');
  });

  it('a body that is not an object names what it is and where', async () => {
    for (const [payload, kind, where] of [
      ['[1,2]', 'an array', 'line 1, column 1'],
      ['\n  "name"', 'a string', 'line 2, column 3'],
      ['null', 'null', 'line 1, column 1'],
      ['42', 'a number', 'line 1, column 1'],
    ] as const) {
      const res = await post('/api/services', payload);
      expect(expectError(res, 'VALIDATION_ERROR').message).toBe(`JSON: expected an object ({…}) at the top level, found ${kind} at ${where}`);
    }
    const yaml = await post('PUT /api/config', '- version: 1\n', 'application/yaml');
    expect(expectError(yaml, 'VALIDATION_ERROR').message).toBe('YAML: expected an object ({…}) at the top level, found an array at line 1, column 1');
  });

  it('JSON with a duplicate key is refused at any depth, naming the key and its path; nothing changes', async () => {
    const before = untouched(t);
    const top = await post('/api/services', '{"name":"x","name":"y","listen":"127.0.0.1:7301"}');
    const error = expectError(top, 'VALIDATION_ERROR');
    expect(error).toMatchObject({ field: 'name', message: 'JSON: duplicate key "name" at line 1, column 13' });
    const nested = await post(
      'PUT /api/config',
      '{"version":1,"services":[{"name":"a","listen":"127.0.0.1:7302",\n"backends":[{"address":"127.0.0.1:7303","weight":1,"weight":5}]}]}',
    );
    expect(expectError(nested, 'VALIDATION_ERROR')).toMatchObject({
      field: 'services[0].backends[0].weight',
      message: 'JSON: duplicate key "weight" at line 2, column 52',
    });
    expect(untouched(t)).toEqual(before);
  });

  it('YAML errors name line and column and are never cut off', async () => {
    const cases = [
      ['version: 1\nservices:\n  - name: a\n   listen: x\n', /^YAML: Sequence item without - indicator at line 4, column 1$/],
      ['version: 1\nservices: [\n', /^YAML: .+ at line \d+, column \d+$/],
      ['a:\n\t- b\n', /^YAML: Tabs are not allowed as indentation at line 2, column 1$/],
      ['version: 1\nservices: !evil []\n', /^YAML: Unresolved tag: !evil at line 2, column 11$/],
    ] as const;
    for (const [text, expected] of cases) {
      const error = expectError(await post('PUT /api/config', text, 'application/yaml'), 'VALIDATION_ERROR');
      expect(error.message).toMatch(expected);
      expect(error.message).not.toMatch(/:$/);
    }
  });

  it('a YAML duplicate key names the key and its path', async () => {
    const text = 'version: 1\nservices:\n  - name: a\n    listen: 127.0.0.1:7304\n    name: b\n';
    const error = expectError(await post('PUT /api/config', text, 'application/yaml'), 'VALIDATION_ERROR');
    expect(error).toMatchObject({ field: 'services[0].name', message: 'YAML: duplicate key "name" at line 5, column 5' });
  });
});
