// Real PROXY protocol consumers (and a real sender) for the PROXY protocol tests: HAProxy 2.6
// and nginx stream, each started with its own config in a temp dir on free loopback ports,
// ready when its ports accept, stopped (and its dir removed) by close().
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { once } from 'node:events';
import { deadPort } from './helpers.ts';

export const HAPROXY = '/usr/sbin/haproxy';
export const NGINX = '/usr/sbin/nginx';
const STREAM_MODULES = ['/usr/lib/nginx/modules/ngx_stream_module.so', '/usr/share/nginx/modules/ngx_stream_module.so'];

/** A running consumer. */
export interface Consumer {
  close(): Promise<void>;
  /** What the process wrote so far (for a failing test's message). */
  log(): string;
}

/** Free ports on 127.0.0.1 (bound, then released for the process to take). */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const p = await deadPort();
    if (!ports.includes(p)) ports.push(p);
  }
  return ports;
}

async function accepting(host: string, port: number): Promise<boolean> {
  const s = net.connect({ host, port });
  try {
    await Promise.race([once(s, 'connect'), once(s, 'error').then(() => Promise.reject(new Error('refused')))]);
    return true;
  } catch {
    return false;
  } finally {
    s.destroy();
  }
}

function startProcess(cmd: string, args: string[], dir: string, ports: Array<[string, number]>): Promise<Consumer> {
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  const consumer: Consumer = {
    log: () => output,
    async close() {
      if (!exited) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return (async () => {
    const deadline = Date.now() + 10_000;
    for (const [host, port] of ports) {
      while (!(await accepting(host, port))) {
        if (exited || Date.now() > deadline) {
          await consumer.close();
          throw new Error(`${cmd} did not start: ${output}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return consumer;
  })();
}

/** HAProxy with `cfg` (global and defaults are added; `ports` are waited for). */
export function startHaproxy(cfg: string, ports: Array<[string, number]>): Promise<Consumer> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, `global\n  maxconn 200\ndefaults\n  timeout connect 2s\n  timeout client 10s\n  timeout server 10s\n${cfg}`);
  return startProcess(HAPROXY, ['-db', '-f', file], dir, ports);
}

/**
 * An HAProxy frontend that requires a PROXY header (`accept-proxy`) and answers each HTTP
 * request with the client address the header named: `src:src_port`.
 */
export function haproxyEchoFrontend(name: string, binds: string[]): string {
  return [
    `frontend ${name}`,
    '  mode http',
    ...binds.map((b) => `  bind ${b} accept-proxy`),
    '  http-request return status 200 content-type text/plain lf-string "%[src]:%[src_port]"',
    '',
  ].join('\n');
}

/** nginx stream: each listen requires a PROXY header and answers with `$proxy_protocol_addr:$proxy_protocol_port`. */
export function startNginxEcho(listens: Array<[string, number]>): Promise<Consumer> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-nginx-'));
  const module = STREAM_MODULES.find((m) => existsSync(m));
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, [
    module === undefined ? '' : `load_module ${module};`,
    'daemon off;',
    'master_process off;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')};`,
    'events { worker_connections 128; }',
    'stream {',
    '  server {',
    ...listens.map(([host, port]) => `    listen ${host.includes(':') ? `[${host}]` : host}:${port} proxy_protocol;`),
    '    return "$proxy_protocol_addr:$proxy_protocol_port";',
    '  }',
    '}',
  ].join('\n'));
  return startProcess(NGINX, ['-p', dir, '-c', file, '-e', join(dir, 'error.log')], dir, listens);
}

/** Sends `request` from a client to 127.0.0.1:port (or `host`) and collects the whole answer; also says which local address the client had. */
export async function askWhoAmI(port: number, request = 'GET / HTTP/1.0\r\n\r\n', host = '127.0.0.1'): Promise<{ reply: string; local: string }> {
  const s = net.connect({ host, port });
  s.on('error', () => {});
  await once(s, 'connect');
  const local = `${s.localAddress}:${s.localPort}`;
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  if (request !== '') s.write(request);
  await Promise.race([once(s, 'close'), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref())]);
  return { reply: Buffer.concat(chunks).toString('latin1'), local };
}

/** The body of an HTTP answer (after the blank line). */
export function bodyOf(reply: string): string {
  const i = reply.indexOf('\r\n\r\n');
  return i < 0 ? reply : reply.slice(i + 4);
}
