// The things under test: redis itself (direct) and four proxies in front of it, plus Fulcrum on
// its net.Socket relay (`fulcrum-socket`, --relay socket: off unless named in --targets). Each target is
// a function that starts it on a free loopback port and answers with its port and root pid.
// `workers` is threaded through so a multi-core run only changes one number.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort, openFilesLimit, startProcess, stopProcess, waitForPing, type Tracked,
} from './processes.ts';

export const TARGET_NAMES = ['direct', 'haproxy', 'nginx', 'naive', 'fulcrum', 'fulcrum-socket'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];
/** What a run measures unless --targets says otherwise: fulcrum-socket is the fallback relay, measured on request. */
export const DEFAULT_TARGETS: readonly TargetName[] = ['direct', 'haproxy', 'nginx', 'naive', 'fulcrum'];

export const TARGET_LABELS: Record<TargetName, string> = {
  direct: 'direct (redis)',
  haproxy: 'HAProxy',
  nginx: 'nginx stream',
  naive: 'naive Node pipe',
  fulcrum: 'Fulcrum',
  'fulcrum-socket': 'Fulcrum (socket relay)',
};

/** What every target start gets. */
export interface TargetContext {
  repoRoot: string;
  tmpDir: string;
  redisPort: number;
  /** HAProxy nbthread / nginx worker_processes / fulcrum --workers (the naive proxy stays one process). */
  workers: number;
  /** Fulcrum's CLI entry point (absolute). */
  fulcrumCli: string;
  /** The iperf3 server of the bulk workload; undefined: no bulk frontend. */
  bulkBackendPort: number | undefined;
}

/** A started target: where to send traffic and whose memory to read. */
export interface RunningTarget {
  name: TargetName;
  port: number;
  /** Where the bulk workload (iperf3) goes through this target; undefined: not measured. */
  bulkPort: number | undefined;
  /** Root of the process tree whose RSS is "the proxy"; undefined for direct. */
  process: Tracked | undefined;
  stop(): Promise<void>;
}

const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const NODE = process.execPath;

/** Starts redis-server with persistence off, data in the temp dir. */
export async function startRedis(tmpDir: string): Promise<{ port: number; process: Tracked }> {
  const port = await freePort();
  const dir = join(tmpDir, 'redis');
  mkdir(dir);
  const t = startProcess('redis', 'redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--daemonize', 'no', '--maxclients', '15000', '--logfile', '',
  ], { logPath: join(tmpDir, 'redis.log') });
  await waitForPing(port, t, 10_000);
  return { port, process: t };
}

/** Highest maxconn whose two fds per connection fit under the open-files limit. */
function haproxyMaxconn(): number {
  return Math.floor((openFilesLimit() - 200) / 2);
}

export function haproxyConfig(listenPort: number, redisPort: number, workers: number, bulk?: { listen: number; backend: number }): string {
  const maxconn = haproxyMaxconn();
  const bulkSection = bulk === undefined ? '' : `
frontend bulk
  bind 127.0.0.1:${bulk.listen}
  default_backend iperf

backend iperf
  server iperf1 127.0.0.1:${bulk.backend}
`;
  return `global
  nbthread ${workers}
  maxconn ${maxconn}

defaults
  mode tcp
  maxconn ${maxconn}
  timeout connect 5s
  timeout client 10m
  timeout server 10m

frontend fe
  bind 127.0.0.1:${listenPort}
  default_backend redis

backend redis
  server redis1 127.0.0.1:${redisPort}
${bulkSection}`;
}

export function nginxConfig(dir: string, listenPort: number, redisPort: number, workers: number, bulk?: { listen: number; backend: number }): string {
  const bulkServer = bulk === undefined ? '' : `
  server {
    listen 127.0.0.1:${bulk.listen};
    proxy_pass 127.0.0.1:${bulk.backend};
    proxy_connect_timeout 5s;
    proxy_timeout 10m;
  }`;
  return `load_module ${NGINX_STREAM_MODULE};
worker_processes ${workers};
worker_rlimit_nofile ${openFilesLimit()};
daemon off;
master_process on;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;

events { worker_connections 20000; }

stream {
  upstream redis { server 127.0.0.1:${redisPort}; }
  server {
    listen 127.0.0.1:${listenPort};
    proxy_pass redis;
    proxy_connect_timeout 5s;
    proxy_timeout 10m;
  }${bulkServer}
}
`;
}

function mkdir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

type Starter = (ctx: TargetContext) => Promise<RunningTarget>;

/** A second listener of a proxy, in front of the iperf3 server, when the run measures bulk. */
async function bulkFrontend(ctx: TargetContext): Promise<{ listen: number; backend: number } | undefined> {
  return ctx.bulkBackendPort === undefined ? undefined : { listen: await freePort(), backend: ctx.bulkBackendPort };
}

/** Fulcrum's first-start configuration: the redis service, and the bulk one when measured. */
export function fulcrumConfig(listenPort: number, redisPort: number, bulk?: { listen: number; backend: number }): string {
  const service = (name: string, listen: number, backend: number) =>
    `  - name: ${name}\n    listen: 127.0.0.1:${listen}\n    strategy: round-robin\n    backends:\n      - address: 127.0.0.1:${backend}\n`;
  return `version: 1\nservices:\n${service('redis', listenPort, redisPort)}${bulk ? service('bulk', bulk.listen, bulk.backend) : ''}`;
}

async function ready(name: TargetName, port: number, t: Tracked, timeoutMs: number, bulkPort?: number): Promise<RunningTarget> {
  try {
    await waitForPing(port, t, timeoutMs);
  } catch (err) {
    await stopProcess(t);
    throw err;
  }
  return { name, port, bulkPort, process: t, stop: () => stopProcess(t) };
}

const starters: Record<TargetName, Starter> = {
  async direct(ctx) {
    return { name: 'direct', port: ctx.redisPort, bulkPort: ctx.bulkBackendPort, process: undefined, stop: async () => {} };
  },

  async haproxy(ctx) {
    const port = await freePort();
    const cfg = join(ctx.tmpDir, 'haproxy.cfg');
    const bulk = await bulkFrontend(ctx);
    writeFileSync(cfg, haproxyConfig(port, ctx.redisPort, ctx.workers, bulk));
    // -db: stay in the foreground, no daemon, so the pid we hold is the proxy.
    const t = startProcess('haproxy', 'haproxy', ['-db', '-f', cfg], { logPath: join(ctx.tmpDir, 'haproxy.log') });
    return ready('haproxy', port, t, 10_000, bulk?.listen);
  },

  async nginx(ctx) {
    const port = await freePort();
    const dir = join(ctx.tmpDir, 'nginx');
    mkdir(dir);
    const cfg = join(dir, 'nginx.conf');
    const bulk = await bulkFrontend(ctx);
    writeFileSync(cfg, nginxConfig(dir, port, ctx.redisPort, ctx.workers, bulk));
    // -e: the startup error log, before the config's error_log is read (default is /var/log).
    const t = startProcess('nginx', 'nginx', ['-p', dir, '-c', cfg, '-e', join(dir, 'error.log')], {
      logPath: join(ctx.tmpDir, 'nginx.log'),
    });
    return ready('nginx', port, t, 10_000, bulk?.listen);
  },

  // One process per target proxies redis only: the naive pipe has no bulk frontend.
  async naive(ctx) {
    const port = await freePort();
    const t = startProcess('naive', NODE, [
      '--import', 'tsx', join(ctx.repoRoot, 'bench', 'naive-proxy.ts'), String(port), String(ctx.redisPort),
    ], { cwd: ctx.repoRoot, logPath: join(ctx.tmpDir, 'naive.log') });
    return ready('naive', port, t, 20_000);
  },

  fulcrum: (ctx) => startFulcrum('fulcrum', ctx, []),
  'fulcrum-socket': (ctx) => startFulcrum('fulcrum-socket', ctx, ['--relay', 'socket']),
};

/** Fulcrum with `extraArgs`, its data and config in a directory of its own (two may run side by side). */
async function startFulcrum(name: 'fulcrum' | 'fulcrum-socket', ctx: TargetContext, extraArgs: string[]): Promise<RunningTarget> {
  const cli = ctx.fulcrumCli;
  if (!existsSync(cli)) throw new Error(`${cli} does not exist (yet)`);
  const port = await freePort();
  const adminPort = await freePort();
  const dataDir = join(ctx.tmpDir, `${name}-data`);
  mkdir(dataDir);
  const bulk = await bulkFrontend(ctx);
  const configPath = join(ctx.tmpDir, `${name}.yaml`);
  writeFileSync(configPath, fulcrumConfig(port, ctx.redisPort, bulk));
  const args = ['--admin', `127.0.0.1:${adminPort}`, '--data', dataDir, '--config', configPath, ...extraArgs];
  if (ctx.workers > 1) args.push('--workers', String(ctx.workers));
  // The TypeScript source runs through the tsx loader; the build (bin/fulcrum.js) is executed
  // itself, as /usr/local/bin/fulcrum is, so its shebang's Node flags apply.
  const [cmd, cmdArgs] = cli.endsWith('.ts') ? [NODE, ['--import', 'tsx', cli, ...args]] : [cli, args];
  const t = startProcess(name, cmd, cmdArgs, {
    cwd: ctx.repoRoot,
    env: { ...process.env, FULCRUM_ADMIN_TOKEN: 'bench-admin-token-0123456789' },
    logPath: join(ctx.tmpDir, `${name}.log`),
  });
  return ready(name, port, t, 30_000, bulk?.listen);
}

/** Starts one target; throws (after stopping whatever it started) if it does not answer PING. */
export function startTarget(name: TargetName, ctx: TargetContext): Promise<RunningTarget> {
  return starters[name](ctx);
}
