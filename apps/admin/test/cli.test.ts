// The real `fulcrum` command in a child process: usage errors, a full start, restart, SIGTERM.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceDto, StatsDto } from '@fulcrum/shared/api';
import { eventually, freePort, startEchoServer, startTcpServer, tcpRoundTrip, tempDir } from './helpers.ts';
import { killChildren, run } from './cli-helpers.ts';

const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  killChildren();
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('usage errors', () => {
  it.each([
    [['--bogus'], /^fulcrum: unknown option --bogus/],
    [['--listen', 'nonsense'], /^fulcrum: --listen "nonsense": /],
    [['--listen', '127.0.0.1:70000'], /^fulcrum: --listen "127\.0\.0\.1:70000": port 70000 is out of range/],
    [['--listen', '127.0.0.1:6380', '--strategy', 'fastest'], /^fulcrum: unknown strategy "fastest"/],
    [['--backend', '127.0.0.1:7001'], /^fulcrum: --backend needs --listen/],
    [['--admin', 'localhost'], /^fulcrum: --admin "localhost": /],
    [['--', '--listen'], /^fulcrum: --listen needs a value/],
    [['stray'], /^fulcrum: unexpected argument "stray"/],
    [['--store', 'postgres://u:pw@db/'], /^fulcrum: --store: the URL names no database/],
    [['--node-name', 'no spaces'], /^fulcrum: --node-name "no spaces": /],
    [['--stop-grace', 'soon'], /^fulcrum: --stop-grace "soon": must be a whole number/],
    [['--relay', 'fast'], /^fulcrum: --relay "fast": must be one of auto, native, socket\n$/],
  ])('%j exits 2 with one line on stderr', async (args, pattern) => {
    const r = run(args);
    expect(await r.exit()).toBe(2);
    expect(r.stderr()).toMatch(pattern);
    expect(r.stderr().trimEnd().split('\n')).toHaveLength(1);
    expect(r.stdout()).toBe('');
  });

  it.each([
    [{ FULCRUM_ADMIN_TOKEN: 'short' }, /^fulcrum: FULCRUM_ADMIN_TOKEN is shorter than 16 characters/],
    [{ FULCRUM_STORE: 'mysql://u:pw@h/db' }, /^fulcrum: FULCRUM_STORE: unsupported scheme "mysql"/],
    [{ FULCRUM_RELAY: 'fast' }, /^fulcrum: FULCRUM_RELAY "fast": must be one of auto, native, socket\n$/],
  ])('environment %j exits 2 with one line on stderr', async (env, pattern) => {
    const r = run([], env);
    expect(await r.exit()).toBe(2);
    expect(r.stderr()).toMatch(pattern);
    expect(r.stderr().trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr()).not.toContain('pw@');
    expect(r.stdout()).toBe('');
  });

  it('--help prints usage and exits 0', async () => {
    const r = run(['--help']);
    expect(await r.exit()).toBe(0);
    expect(r.stdout()).toContain('Usage: fulcrum');
    expect(r.stdout()).toContain('--backend HOST:PORT');
  });
});

describe('running', () => {
  it('starts with a first-run service, proxies, serves the API, and stops on SIGTERM', async () => {
    const data = tempDir();
    cleanup.push(data.remove);
    const echo = await startEchoServer();
    cleanup.push(() => echo.close());
    const adminPort = await freePort();
    const listenPort = await freePort();

    const r = run(['--', '--data', data.dir, '--admin', `127.0.0.1:${adminPort}`, '--listen', `127.0.0.1:${listenPort}`, '--backend', `127.0.0.1:${echo.port}`, '--strategy', 'least-connections']);
    const [, url] = await r.waitFor(/fulcrum: dashboard (http:\/\/127\.0\.0\.1:\d+\/)\n/);
    expect(url).toBe(`http://127.0.0.1:${adminPort}/`);
    const [, token] = await r.waitFor(/fulcrum: login link \(new admin token, shown only this once\): http:\/\/127\.0\.0\.1:\d+\/\?token=([A-Za-z0-9_-]+)\n/);
    expect(r.stdout()).toContain(`fulcrum: service "default" listening on 127.0.0.1:${listenPort} (least-connections, 1 backend)`);
    expect(r.stdout()).toContain(`fulcrum: data directory ${data.dir}`);
    expect(r.stdout()).toContain('fulcrum: relay native (raw libuv handles)\n');

    const health = await fetch(`${url}api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}api/services`)).status).toBe(401);
    const services = (await (await fetch(`${url}api/services`, { headers: { authorization: `Bearer ${token}` } })).json()) as ServiceDto[];
    expect(services).toHaveLength(1);
    expect(services[0]).toMatchObject({ name: 'default', strategy: 'least-connections', backends: [{ address: `127.0.0.1:${echo.port}` }] });

    // The default TCP health check has to see the backend up before it gets traffic.
    await eventually(async () => {
      const stats = (await (await fetch(`${url}api/stats`, { headers: { authorization: `Bearer ${token}` } })).json()) as StatsDto;
      return stats.services[0]?.backends[0]?.health === 'up';
    });
    expect((await tcpRoundTrip(listenPort, 'through the cli')).toString()).toBe('through the cli');

    process.kill(r.child.pid!, 'SIGTERM');
    expect(await r.exit()).toBe(0);
    expect(r.stdout()).toContain('fulcrum: stopped');
    expect(r.stderr()).toBe('');

    // Second start on the same data: the stored config wins and the token comes from the env.
    const again = run(['--data', data.dir, '--admin', `127.0.0.1:${adminPort}`, '--listen', `127.0.0.1:${await freePort()}`], {
      FULCRUM_ADMIN_TOKEN: 'env-token-0123456789abcdef',
    });
    await again.waitFor(/fulcrum: dashboard /);
    expect(again.stdout()).toContain('using the stored configuration');
    expect(again.stdout()).toContain(`service "default" listening on 127.0.0.1:${listenPort}`);
    expect(again.stdout()).toContain('login token: the value of FULCRUM_ADMIN_TOKEN');
    expect(again.stdout()).not.toContain('?token=');
    const withEnvToken = await fetch(`${url}api/services`, { headers: { authorization: 'Bearer env-token-0123456789abcdef' } });
    expect(withEnvToken.status).toBe(200);
    expect(((await withEnvToken.json()) as ServiceDto[]).map((s) => s.listen)).toEqual([`127.0.0.1:${listenPort}`]);
    process.kill(again.child.pid!, 'SIGINT');
    expect(await again.exit()).toBe(0);
  });

  it('--relay socket: the net.Socket relay proxies, and the banner and /metrics say so', async () => {
    const data = tempDir();
    cleanup.push(data.remove);
    const echo = await startEchoServer();
    cleanup.push(() => echo.close());
    const adminPort = await freePort();
    const listenPort = await freePort();
    const r = run(['--data', data.dir, '--admin', `127.0.0.1:${adminPort}`, '--listen', `127.0.0.1:${listenPort}`, '--backend', `127.0.0.1:${echo.port}`, '--relay', 'socket']);
    const [, token] = await r.waitFor(/\?token=([A-Za-z0-9_-]+)\n/);
    expect(r.stdout()).toContain('fulcrum: relay socket (net.Socket): chosen with --relay socket\n');
    const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${adminPort}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(await metrics()).toContain('fulcrum_relay_info{relay="socket",fallback="0"} 1');
    await eventually(async () => {
      const stats = (await (await fetch(`http://127.0.0.1:${adminPort}/api/stats`, { headers: { authorization: `Bearer ${token}` } })).json()) as StatsDto;
      return stats.services[0]?.backends[0]?.health === 'up';
    });
    expect((await tcpRoundTrip(listenPort, 'through the socket relay')).toString()).toBe('through the socket relay');
    process.kill(r.child.pid!, 'SIGTERM');
    expect(await r.exit()).toBe(0);
  });

  // With --workers the lines come from the worker processes, which load Fastify's logger only for this.
  it.each([1, 2])('--access-log writes one JSON line per connection on stdout, whatever the log level (--workers %i)', async (workers) => {
    const data = tempDir();
    cleanup.push(data.remove);
    const echo = await startEchoServer();
    cleanup.push(() => echo.close());
    const listenPort = await freePort();
    const r = run(
      ['--data', data.dir, '--admin', `127.0.0.1:${await freePort()}`, '--listen', `127.0.0.1:${listenPort}`, '--backend', `127.0.0.1:${echo.port}`, '--access-log', '--workers', String(workers)],
      { FULCRUM_ADMIN_TOKEN: 'env-token-0123456789abcdef' },
    );
    const [, url] = await r.waitFor(/fulcrum: dashboard (\S+)\n/);
    await eventually(async () => {
      const res = await fetch(`${url}api/stats`, { headers: { authorization: 'Bearer env-token-0123456789abcdef' } });
      return ((await res.json()) as StatsDto).services[0]?.backends[0]?.health === 'up';
    });
    expect((await tcpRoundTrip(listenPort, 'hello')).toString()).toBe('hello');
    expect((await tcpRoundTrip(listenPort, 'a longer line')).toString()).toBe('a longer line');

    const lines = await eventually(() => {
      const found = r.stdout().split('\n').filter((line) => line.startsWith('{'));
      return found.length >= 2 ? found : undefined;
    });
    // Two workers may finish their lines in either order.
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>).sort((a, b) => Number(a.bytesIn) - Number(b.bytesIn));
    expect(entries).toHaveLength(2);
    const backend = `127.0.0.1:${echo.port}`;
    expect(entries).toEqual([
      expect.objectContaining({ level: 30, msg: 'connection', service: 'default', backend, bytesIn: 5, bytesOut: 5, reason: 'closed' }),
      expect.objectContaining({ level: 30, msg: 'connection', service: 'default', backend, bytesIn: 13, bytesOut: 13, reason: 'closed' }),
    ]);
    for (const e of entries) {
      expect(e.client).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(e.durationMs).toEqual(expect.any(Number));
    }
    process.kill(r.child.pid!, 'SIGTERM');
    expect(await r.exit()).toBe(0);
  });

  it('exits 1 with one line when the admin port is taken, leaving no token unseen', async () => {
    const data = tempDir();
    cleanup.push(data.remove);
    const squatter = await startTcpServer(() => {});
    cleanup.push(() => squatter.close());
    const r = run(['--data', data.dir, '--admin', `127.0.0.1:${squatter.port}`]);
    expect(await r.exit()).toBe(1);
    expect(r.stderr()).toMatch(new RegExp(`^fulcrum: cannot listen on 127\\.0\\.0\\.1:${squatter.port} for the admin console: address already in use\\n$`));

    // The next successful start still prints a fresh login link.
    const ok = run(['--data', data.dir, '--admin', `127.0.0.1:${await freePort()}`]);
    await ok.waitFor(/fulcrum: login link /);
    expect(ok.stdout()).toContain('fulcrum: no services yet');
    process.kill(ok.child.pid!, 'SIGTERM');
    expect(await ok.exit()).toBe(0);
  });
});
