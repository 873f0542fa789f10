// The things under test: redis itself (direct) and four proxies in front of it. Each target is
// a function that starts it on a free loopback port and answers with its port and root pid.
// `workers` is threaded through so a multi-core run only changes one number.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort, openFilesLimit, startProcess, stopProcess, waitForPing, type Tracked,
} from './processes.ts';

export const TARGET_NAMES = ['direct', 'haproxy', 'nginx', 'naive', 'fulcrum'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export const TARGET_LABELS: Record<TargetName, string> = {
  direct: 'direct (redis)',
  haproxy: 'HAProxy',
  nginx: 'nginx stream',
  naive: 'naive Node pipe',
  fulcrum: 'Fulcrum',
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
}

/** A started target: where to send traffic and whose memory to read. */
export interface RunningTarget {
  name: TargetName;
  port: number;
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

export function haproxyConfig(listenPort: number, redisPort: number, workers: number): string {
  const maxconn = haproxyMaxconn();
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
`;
}

export function nginxConfig(dir: string, listenPort: number, redisPort: number, workers: number): string {
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
  }
}
`;
}

function mkdir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

type Starter = (ctx: TargetContext) => Promise<RunningTarget>;

async function ready(name: TargetName, port: number, t: Tracked, timeoutMs: number): Promise<RunningTarget> {
  try {
    await waitForPing(port, t, timeoutMs);
  } catch (err) {
    await stopProcess(t);
    throw err;
  }
  return { name, port, process: t, stop: () => stopProcess(t) };
}

const starters: Record<TargetName, Starter> = {
  async direct(ctx) {
    return { name: 'direct', port: ctx.redisPort, process: undefined, stop: async () => {} };
  },

  async haproxy(ctx) {
    const port = await freePort();
    const cfg = join(ctx.tmpDir, 'haproxy.cfg');
    writeFileSync(cfg, haproxyConfig(port, ctx.redisPort, ctx.workers));
    // -db: stay in the foreground, no daemon, so the pid we hold is the proxy.
    const t = startProcess('haproxy', 'haproxy', ['-db', '-f', cfg], { logPath: join(ctx.tmpDir, 'haproxy.log') });
    return ready('haproxy', port, t, 10_000);
  },

  async nginx(ctx) {
    const port = await freePort();
    const dir = join(ctx.tmpDir, 'nginx');
    mkdir(dir);
    const cfg = join(dir, 'nginx.conf');
    writeFileSync(cfg, nginxConfig(dir, port, ctx.redisPort, ctx.workers));
    // -e: the startup error log, before the config's error_log is read (default is /var/log).
    const t = startProcess('nginx', 'nginx', ['-p', dir, '-c', cfg, '-e', join(dir, 'error.log')], {
      logPath: join(ctx.tmpDir, 'nginx.log'),
    });
    return ready('nginx', port, t, 10_000);
  },

  async naive(ctx) {
    const port = await freePort();
    const t = startProcess('naive', NODE, [
      '--import', 'tsx', join(ctx.repoRoot, 'bench', 'naive-proxy.ts'), String(port), String(ctx.redisPort),
    ], { cwd: ctx.repoRoot, logPath: join(ctx.tmpDir, 'naive.log') });
    return ready('naive', port, t, 20_000);
  },

  async fulcrum(ctx) {
    const cli = ctx.fulcrumCli;
    if (!existsSync(cli)) throw new Error(`${cli} does not exist (yet)`);
    const port = await freePort();
    const adminPort = await freePort();
    const dataDir = join(ctx.tmpDir, 'fulcrum-data');
    mkdir(dataDir);
    const args = [
      '--import', 'tsx', cli,
      '--admin', `127.0.0.1:${adminPort}`, '--data', dataDir,
      '--listen', `127.0.0.1:${port}`, '--backend', `127.0.0.1:${ctx.redisPort}`,
      '--strategy', 'round-robin',
    ];
    if (ctx.workers > 1) args.push('--workers', String(ctx.workers));
    const t = startProcess('fulcrum', NODE, args, {
      cwd: ctx.repoRoot,
      env: { ...process.env, FULCRUM_ADMIN_TOKEN: 'bench-admin-token-0123456789' },
      logPath: join(ctx.tmpDir, 'fulcrum.log'),
    });
    return ready('fulcrum', port, t, 30_000);
  },
};

/** Starts one target; throws (after stopping whatever it started) if it does not answer PING. */
export function startTarget(name: TargetName, ctx: TargetContext): Promise<RunningTarget> {
  return starters[name](ctx);
}
