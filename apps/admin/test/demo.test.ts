// `pnpm demo` (scripts/demo.ts) in a child process, against its real Fulcrum and real backends:
// load spreads over three backends, `stop 2` / `start 2` on stdin take one out and bring it back,
// `quit` and SIGINT leave no process and no temp dir behind.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendStatsDto, ServiceStatsDto, StatsDto } from '@fulcrum/shared/api';
import { decodeReply, decodeRequest, encodeCommand } from '../../../scripts/demo-resp.ts';
import { parseCommand } from '../../../scripts/demo-commands.ts';
import { parseDemoArgs } from '../../../scripts/demo-args.ts';
import { eventually, freePort, refused } from './helpers.ts';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Alive and not a zombie (an orphan's zombie may wait a while for its reaper). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Every process below `root`, from `ps`. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const line of execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid === undefined || ppid === undefined || Number.isNaN(pid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0 && found.length < 1000) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

interface Demo {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exit(): Promise<number | null>;
  /** Every PID seen below the demo so far (call seeChildren() to look again). */
  seen: Set<number>;
  seeChildren(): void;
}

const started: Demo[] = [];

afterEach(() => {
  // Only matters if a test failed half-way: kill its processes by PID and remove its temp dir.
  for (const demo of started.splice(0)) {
    if (demo.child.exitCode === null && demo.child.signalCode === null) demo.child.kill('SIGKILL');
    for (const pid of demo.seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
    const tempDir = /demo: temporary data in (\S*fulcrum-demo-\w+) /.exec(demo.output())?.[1];
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
});

function startDemo(args: string[], stdin: 'pipe' | 'ignore'): Demo {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('FULCRUM_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], { cwd: REPO_ROOT, env, stdio: [stdin, 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const demo: Demo = {
    child,
    output: () => out,
    exit: () => exited,
    seen: new Set(),
    seeChildren() {
      for (const pid of descendants(child.pid!)) demo.seen.add(pid);
    },
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = out.match(pattern);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`demo exited (${child.exitCode}) before printing ${pattern}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`demo did not print ${pattern}:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
  started.push(demo);
  return demo;
}

async function service(adminUrl: string, token: string): Promise<ServiceStatsDto> {
  const res = await fetch(`${adminUrl}api/stats`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const stats = (await res.json()) as StatsDto;
  const demo = stats.services.find((s) => s.name === 'demo');
  if (demo === undefined) throw new Error(`no service "demo" in /api/stats: ${JSON.stringify(stats)}`);
  return demo;
}

const byPort = (s: ServiceStatsDto, port: number): BackendStatsDto => s.backends.find((b) => b.address === `127.0.0.1:${port}`)!;

/** Sends raw bytes and resolves once the reply contains `until`. */
async function exchange(port: number, payload: string, until: string): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port });
  let reply = '';
  try {
    await once(socket, 'connect');
    socket.write(payload);
    const deadline = Date.now() + 5000;
    while (!reply.includes(until) && Date.now() < deadline) {
      const [chunk] = (await Promise.race([once(socket, 'data'), new Promise((r) => setTimeout(() => r([Buffer.alloc(0)]), 200))])) as [Buffer];
      reply += chunk.toString();
    }
    return reply;
  } finally {
    socket.destroy();
  }
}

/** Backend ports and PIDs from the start-up lines. */
function parseBackends(output: string): { port: number; pid?: number }[] {
  return [...output.matchAll(/demo: backend (\d): 127\.0\.0\.1:(\d+) \((?:redis-server pid (\d+)|built-in)\)/g)].map((m) => ({
    port: Number(m[2]),
    ...(m[3] ? { pid: Number(m[3]) } : {}),
  }));
}

describe('pnpm demo', () => {
  it('balances over three backends; stop 2 / start 2 take one out and back; quit leaves nothing running', async () => {
    const adminPort = await freePort();
    const listenPort = await freePort();
    const demo = startDemo(['--admin', `127.0.0.1:${adminPort}`, '--listen', `127.0.0.1:${listenPort}`, '--duration', '50s'], 'pipe');
    const [, adminUrl, token] = await demo.waitFor(/demo: login link: (http:\/\/127\.0\.0\.1:\d+\/)\?token=([A-Za-z0-9_-]+)\n/);
    expect(adminUrl).toBe(`http://127.0.0.1:${adminPort}/`);
    const backends = parseBackends(demo.output());
    expect(backends).toHaveLength(3);
    const [fulcrumPid] = demo.output().match(/demo: fulcrum pid (\d+)/)!.slice(1).map(Number);
    const tempDir = demo.output().match(/demo: temporary data in (\S+) /)![1]!;
    expect(existsSync(tempDir)).toBe(true);
    demo.seeChildren();
    expect(demo.seen).toContain(fulcrumPid);
    for (const b of backends) if (b.pid) expect(demo.seen).toContain(b.pid);

    // Load reaches all three backends, and keeps coming.
    const first = await eventually(async () => {
      const s = await service(adminUrl!, token!);
      return s.backends.length === 3 && s.backends.every((b) => b.health === 'up' && b.total > 0) ? s : undefined;
    });
    await eventually(async () => {
      const s = await service(adminUrl!, token!);
      return backends.every(({ port }) => byPort(s, port).total > byPort(first, port).total);
    }, 20_000, 250);

    // stop 2: the backend goes away, Fulcrum's health check marks it down, the others keep serving.
    demo.child.stdin!.write('stop 2\n');
    await demo.waitFor(/demo: backend 2 \(127\.0\.0\.1:\d+\) stopped/);
    expect(await refused(backends[1]!.port)).toBe(true);
    if (backends[1]!.pid) expect(alive(backends[1]!.pid)).toBe(false);
    const down = await eventually(async () => {
      const s = await service(adminUrl!, token!);
      return byPort(s, backends[1]!.port).health === 'down' ? s : undefined;
    });
    await demo.waitFor(/fulcrum marks backend 2 \(\S+\) DOWN/);
    await eventually(async () => {
      const s = await service(adminUrl!, token!);
      return [0, 2].every((i) => byPort(s, backends[i]!.port).total > byPort(down, backends[i]!.port).total);
    }, 20_000, 250);
    expect(byPort(await service(adminUrl!, token!), backends[1]!.port).active).toBe(0);
    expect(await exchange(listenPort, 'PING\r\n', '+PONG')).toContain('+PONG');

    // start 2: same port, up again after two good checks, and gets connections again.
    demo.child.stdin!.write('start 2\n');
    const [, newPid] = await demo.waitFor(/demo: backend 2 started again on 127\.0\.0\.1:\d+(?: \(redis-server pid (\d+)\))?/);
    demo.seeChildren();
    if (newPid) expect(demo.seen).toContain(Number(newPid));
    await eventually(async () => {
      const s = await service(adminUrl!, token!);
      const b = byPort(s, backends[1]!.port);
      return b.health === 'up' && b.total > byPort(down, backends[1]!.port).total;
    }, 20_000, 250);
    await demo.waitFor(/fulcrum marks backend 2 \(\S+\) UP/);

    demo.child.stdin!.write('status\n');
    await demo.waitFor(/demo: status: \d+ ops\/s, \d+ failures? in \d+ s \(\d+ total\) \| #1 up/);

    // quit: exit 0, every process it started is gone, the temp dir too.
    demo.seeChildren();
    demo.child.stdin!.write('quit\n');
    expect(await demo.exit()).toBe(0);
    expect(demo.output()).toContain('fulcrum: stopped');
    expect(demo.output()).toContain(`demo: removed ${tempDir}`);
    expect(existsSync(tempDir)).toBe(false);
    await eventually(() => [...demo.seen].every((pid) => !alive(pid)), 5000);
    expect(await refused(listenPort)).toBe(true);
  }, 58_000);

  it('built-in backends: serve RESP, run with stdin closed, and stop cleanly on SIGINT', async () => {
    const adminPort = await freePort();
    const listenPort = await freePort();
    const demo = startDemo(['--admin', `127.0.0.1:${adminPort}`, '--listen', `127.0.0.1:${listenPort}`, '--backends', 'builtin', '--clients', '6'], 'ignore');
    const [, adminUrl, token] = await demo.waitFor(/demo: login link: (http:\/\/127\.0\.0\.1:\d+\/)\?token=([A-Za-z0-9_-]+)\n/);
    expect(demo.output()).toContain('demo: backends: built-in Node RESP servers');
    await demo.waitFor(/demo: stdin closed: running until --duration ends/);
    const backends = parseBackends(demo.output());
    expect(backends.map((b) => b.pid)).toEqual([undefined, undefined, undefined]);

    // Multibulk and inline requests, pipelined, straight to backend 1.
    const set = encodeCommand(['SET', 'greeting', 'hello world']).toString();
    const reply = await exchange(backends[0]!.port, `${set}GET greeting\r\nINCR n\r\nINCR n\r\nBOGUS\r\n`, 'unknown command');
    expect(reply).toBe("+OK\r\n$11\r\nhello world\r\n:1\r\n:2\r\n-ERR unknown command 'BOGUS', this demo backend knows PING ECHO SET GET INCR DEL QUIT\r\n");

    await eventually(async () => {
      const s = await service(adminUrl!, token!);
      return s.backends.length === 3 && s.backends.every((b) => b.health === 'up' && b.total > 0);
    });
    demo.seeChildren();
    const tempDir = demo.output().match(/demo: temporary data in (\S+) /)![1]!;

    demo.child.kill('SIGINT');
    expect(await demo.exit()).toBe(0);
    expect(demo.output()).toContain('demo: SIGINT: shutting down');
    expect(existsSync(tempDir)).toBe(false);
    await eventually(() => [...demo.seen].every((pid) => !alive(pid)), 5000);
    for (const { port } of backends) expect(await refused(port)).toBe(true);
  }, 40_000);
});

describe('demo pieces', () => {
  it('decodes RESP frames only once they are complete', () => {
    const frame = Buffer.from('*2\r\n$3\r\nGET\r\n$5\r\nhello\r\n');
    for (let cut = 0; cut < frame.length; cut++) expect(decodeRequest(frame.subarray(0, cut))).toBeUndefined();
    expect(decodeRequest(frame)).toEqual({ value: ['GET', 'hello'], length: frame.length });
    expect(decodeRequest(Buffer.from('INCR  counter\r\nPING'))).toEqual({ value: ['INCR', 'counter'], length: 15 });
    expect(decodeReply(Buffer.from('$5\r\nhel'))).toBeUndefined();
    expect(decodeReply(Buffer.from('*2\r\n:1\r\n$-1\r\n'))).toEqual({ value: [1, null], length: 13 });
  });

  it('parses stdin commands and refuses non-loopback addresses', () => {
    expect(parseCommand(' Stop 2 ', 3)).toEqual({ kind: 'stop', n: 2 });
    expect(parseCommand('start 4', 3)).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('', 3)).toEqual({ kind: 'empty' });
    expect(parseDemoArgs(['--duration', '20s']).durationMs).toBe(20_000);
    expect(() => parseDemoArgs(['--listen', '192.168.1.10:6380'])).toThrow(/loopback only/);
  });
});
