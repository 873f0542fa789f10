// `fulcrum export|import|token`, `fulcrum --config`, the data-directory lock and HTTPS, through
// the real command in child processes.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { ConfigDocument, EventDto, ServiceDto } from '@fulcrum/shared/api';
import { killChildren, run, runToEnd } from './cli-helpers.ts';
import { freePort, tempDir } from './helpers.ts';

const TOKEN = 'cli-token-0123456789abcdef';
// Every step starts a real process (about 1.5 s each on a quiet machine, more under load).
const cleanup: (() => void)[] = [];

afterEach(() => {
  killChildren();
  for (const fn of cleanup.splice(0).reverse()) fn();
});

function dataDir(): string {
  const d = tempDir();
  cleanup.push(d.remove);
  return d.dir;
}

function configFile(dir: string, ports: number[], name = 'fulcrum.yaml'): string {
  const doc = {
    version: 1,
    services: ports.map((port, i) => ({
      name: `svc-${i}`,
      listen: `127.0.0.1:${port}`,
      healthCheck: { type: 'none' },
      backends: [{ address: `127.0.0.1:${7100 + i}`, weight: i + 1 }],
    })),
  };
  const path = join(dir, name);
  writeFileSync(path, name.endsWith('.json') ? JSON.stringify(doc) : YAML.stringify(doc));
  return path;
}

async function startAdmin(args: string[]) {
  const adminPort = await freePort();
  const r = run(['--admin', `127.0.0.1:${adminPort}`, ...args], { FULCRUM_ADMIN_TOKEN: TOKEN });
  await r.waitFor(/fulcrum: dashboard /);
  const url = `http://127.0.0.1:${adminPort}`;
  const get = async <T>(path: string, accept = 'application/json'): Promise<T> => {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, accept } });
    return (accept === 'application/json' ? res.json() : res.text()) as Promise<T>;
  };
  return { r, url, get };
}

describe('export and import on a data directory', { timeout: 120_000 }, () => {
  it('imports a file into an empty directory, exports it back, and a bad file changes nothing', async () => {
    const dir = dataDir();
    const file = configFile(dir, [await freePort(), await freePort()]);

    const missing = await runToEnd(['export', '--data', join(dir, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^fulcrum: no fulcrum data in .*nothing-here \(no fulcrum\.db\); see --data\n$/);

    const imported = await runToEnd(['import', file, '--data', dir]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toBe(`fulcrum: imported ${file} into ${dir}: 2 services created, 0 updated, 0 deleted, 0 unchanged; the next start runs it\n`);

    const yaml = await runToEnd(['export', '--data', dir]);
    expect(yaml.code).toBe(0);
    const doc = YAML.parse(yaml.stdout) as ConfigDocument;
    expect(doc.services.map((s) => [s.name, s.backends[0]!.weight, s.healthCheck.type])).toEqual([
      ['svc-0', 1, 'none'],
      ['svc-1', 2, 'none'],
    ]);
    const json = await runToEnd(['export', '--format', 'json', '--data', dir]);
    expect(JSON.parse(json.stdout)).toEqual(doc);

    // Round trip through a file: importing the export changes nothing.
    const exported = join(dir, 'exported.yaml');
    writeFileSync(exported, yaml.stdout);
    expect((await runToEnd(['import', exported, '--data', dir])).stderr).toContain('0 services created, 0 updated, 0 deleted, 2 unchanged');
    expect((await runToEnd(['export', '--data', dir])).stdout).toBe(yaml.stdout);

    // One bad field anywhere: exit 2, one line naming it, nothing written.
    const bad = YAML.parse(yaml.stdout) as ConfigDocument;
    bad.services[0]!.retries = 0;
    bad.services[1]!.backends[0]!.address = '127.0.0.1:http';
    writeFileSync(exported, YAML.stringify(bad));
    const refused = await runToEnd(['import', exported, '--data', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`fulcrum: import ${exported}: services[1].backends[0].address: port "http" is not a number\n`);
    expect((await runToEnd(['export', '--data', dir])).stdout).toBe(yaml.stdout);
  });

  it('is refused while an admin runs on the directory; --admin goes through its API instead', async () => {
    const dir = dataDir();
    const { r, url, get } = await startAdmin(['--data', dir]);
    const file = configFile(dir, [await freePort()], 'live.json');

    const refused = await runToEnd(['import', file, '--data', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`fulcrum: the data directory ${dir} is in use by a running fulcrum admin (pid ${r.child.pid}, ${url}/)`);
    expect(refused.stderr).toContain(`fulcrum import ${file} --admin ${url}/`);
    expect(await get<ServiceDto[]>('/api/services')).toEqual([]);

    const noToken = await runToEnd(['import', file, '--admin', url]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toBe('fulcrum: --admin needs the token in FULCRUM_ADMIN_TOKEN\n');

    const through = await runToEnd(['import', file, '--admin', url], { FULCRUM_ADMIN_TOKEN: TOKEN });
    expect(through.code).toBe(0);
    const [imported, warning, ...more] = through.stderr.split('\n');
    expect(imported).toBe(`fulcrum: imported ${file} through ${url}: 1 service created, 0 updated, 0 deleted, 0 unchanged; live now`);
    // The admin's warnings are printed, one line each.
    expect(warning).toMatch(/^fulcrum: warning: services\[0\]\.idleTimeoutMs: no idle timeout \(0, the default\)/);
    expect(more).toEqual(['']);
    const services = await get<ServiceDto[]>('/api/services');
    expect(services.map((s) => s.name)).toEqual(['svc-0']);
    const events = await get<{ events: EventDto[] }>('/api/events?kind=config-replaced');
    expect(events.events.map((e) => e.actor)).toEqual(['admin']);

    // Export reads the directory directly, and matches the API byte for byte.
    const exported = await runToEnd(['export', '--data', dir]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe(await get<string>('/api/config', 'application/yaml'));

    // A second admin on the same directory would diverge from the first: refused.
    const second = await runToEnd(['--data', dir, '--admin', `127.0.0.1:${await freePort()}`]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^fulcrum: the data directory ${dir} is in use by a running fulcrum admin \\(pid ${r.child.pid}`));

    process.kill(r.child.pid!, 'SIGTERM');
    expect(await r.exit()).toBe(0);
    // Stopped: the lock is gone and a local import works again.
    expect((await runToEnd(['import', file, '--data', dir])).code).toBe(0);
  });

  it('takes over the lock of an admin that was killed', async () => {
    const dir = dataDir();
    const { r } = await startAdmin(['--data', dir]);
    process.kill(r.child.pid!, 'SIGKILL');
    await r.exit();
    const file = configFile(dir, [await freePort()]);
    expect((await runToEnd(['import', file, '--data', dir])).code).toBe(0);
  });
});

describe('fulcrum --config', { timeout: 120_000 }, () => {
  it('loads the file into an empty store, and leaves a non-empty store alone with a notice', async () => {
    const dir = dataDir();
    const ports = [await freePort(), await freePort()];
    const file = configFile(dir, ports);
    const first = await startAdmin(['--data', dir, '--config', file]);
    expect(first.r.stdout()).toContain(`fulcrum: service "svc-0" listening on 127.0.0.1:${ports[0]} (round-robin, 1 backend)`);
    expect(first.r.stdout()).toContain(`fulcrum: service "svc-1" listening on 127.0.0.1:${ports[1]} (round-robin, 1 backend)`);
    const events = await first.get<{ events: EventDto[] }>('/api/events?kind=service-created');
    expect(events.events.map((e) => e.actor)).toEqual(['cli', 'cli']);
    process.kill(first.r.child.pid!, 'SIGTERM');
    expect(await first.r.exit()).toBe(0);

    const other = configFile(dir, [await freePort()], 'other.yaml');
    const second = await startAdmin(['--data', dir, '--config', other]);
    expect(second.r.stdout()).toContain(`fulcrum: the store already holds services and wins; --config ${other} applies only to an empty store`);
    expect((await second.get<ServiceDto[]>('/api/services')).map((s) => s.name)).toEqual(['svc-0', 'svc-1']);
    process.kill(second.r.child.pid!, 'SIGTERM');
    expect(await second.r.exit()).toBe(0);
  });

  it.each([
    ['a bad field', (p: string) => writeFileSync(p, 'version: 1\nservices:\n  - name: a\n    listen: 127.0.0.1:1\n    retries: many\n'), /services\[0\]\.retries: /],
    ['broken YAML', (p: string) => writeFileSync(p, 'version: 1\nservices: [\n'), /YAML: /],
    ['a missing file', () => {}, /no such file/],
  ])('%s: one line, exit 2, nothing started', async (_what, write, message) => {
    const dir = dataDir();
    const path = join(dir, 'c.yaml');
    write(path);
    const r = await runToEnd(['--data', join(dir, 'data'), '--admin', `127.0.0.1:${await freePort()}`, '--config', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^fulcrum: --config ${path}: `));
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
});

describe('fulcrum token', { timeout: 120_000 }, () => {
  it('creates a token printed once that a running admin accepts at once, lists and revokes it', async () => {
    const dir = dataDir();
    const { r, url } = await startAdmin(['--data', dir]);
    const created = await runToEnd(['token', 'create', 'grafana', '--data', dir]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(created.stderr).toContain('fulcrum: token "grafana" created; it is shown only this once');
    const session = await fetch(`${url}/api/session`, { headers: { authorization: `Bearer ${token}` } });
    expect(await session.json()).toEqual({ actor: 'grafana' });

    const list = await runToEnd(['token', 'list', '--data', dir]);
    expect(list.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[1])).toEqual(['admin', 'grafana']);
    expect(list.stdout).not.toContain(token);
    const again = await runToEnd(['token', 'create', 'grafana', '--data', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('fulcrum: name: a token named "grafana" already exists; revoke it first\n');

    expect((await runToEnd(['token', 'revoke', 'grafana', '--data', dir])).code).toBe(0);
    expect((await fetch(`${url}/api/session`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const events = (await (await fetch(`${url}/api/events?actor=cli`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { events: EventDto[] };
    expect(events.events.map((e) => e.kind)).toEqual(['token-revoked', 'token-created']);
    process.kill(r.child.pid!, 'SIGTERM');
    expect(await r.exit()).toBe(0);
  });
});

describe('HTTPS', { timeout: 120_000 }, () => {
  it('serves the admin over TLS with --tls-cert/--tls-key and prints an https URL', async () => {
    const dir = dataDir();
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const adminPort = await freePort();
    const r = run(['--data', join(dir, 'data'), '--admin', `127.0.0.1:${adminPort}`, '--tls-cert', cert, '--tls-key', key], { FULCRUM_ADMIN_TOKEN: TOKEN });
    const [, url] = await r.waitFor(/fulcrum: dashboard (\S+)\n/);
    expect(url).toBe(`https://127.0.0.1:${adminPort}/`);

    const get = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
        const req = https.get(`${url}${path.slice(1)}`, { ca: readFileSync(cert), headers }, (res) => {
          let body = '';
          res.on('data', (c) => (body += String(c)));
          res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
        });
        req.on('error', reject);
      });
    const health = await get('/api/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    expect((await get('/metrics', { authorization: `Bearer ${TOKEN}` })).body).toContain('process_cpu_seconds_total');
    // Plain HTTP to the TLS port gets no answer from the API.
    const plain = await fetch(`http://127.0.0.1:${adminPort}/api/health`).then((res) => res.status, () => 'failed');
    expect(plain).not.toBe(200);
    // The session cookie is Secure over TLS.
    const login = await new Promise<string[]>((resolve, reject) => {
      const req = https.request(`${url}api/login`, { method: 'POST', ca: readFileSync(cert), headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['set-cookie'] ?? []));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ token: TOKEN }));
    });
    expect(login[0]).toMatch(/; Secure/);
    expect(r.stderr()).toBe('');
    process.kill(r.child.pid!, 'SIGTERM');
    expect(await r.exit()).toBe(0);
  });

  it('refuses unusable key files with one line, exit 2', async () => {
    const dir = dataDir();
    const cert = join(dir, 'cert.pem');
    writeFileSync(cert, 'not a certificate');
    const r = await runToEnd(['--data', dir, '--admin', `127.0.0.1:${await freePort()}`, '--tls-cert', cert, '--tls-key', cert]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^fulcrum: --tls-cert ${cert} / --tls-key ${cert}: .+\\n$`));
  });
});
