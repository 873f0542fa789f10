// Every process the harness starts goes through here, so every one of them is stopped by its
// id: on success, on error, on Ctrl-C, and (synchronously, with SIGKILL) on process exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';

/** A process started by the harness; its own process group, so workers die with it. */
export interface Tracked {
  name: string;
  pid: number;
  child: ChildProcess;
  logPath: string | undefined;
  exited: boolean;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  done: Promise<void>;
}

const live = new Set<Tracked>();
let stopping = false;

/** True once Ctrl-C / SIGTERM arrived: loops should stop starting new work. */
export function isStopping(): boolean {
  return stopping;
}
let handlersInstalled = false;
const exitHooks: Array<() => void> = [];

/** Runs `fn` synchronously on process exit, after every tracked process got SIGKILL. */
export function onExitSync(fn: () => void): void {
  exitHooks.push(fn);
}

function killGroup(t: Tracked, signal: NodeJS.Signals): void {
  if (t.exited) return;
  // Negative pid = the process group led by this pid (nginx workers, cluster workers).
  try { process.kill(-t.pid, signal); } catch { /* group already gone */ }
  try { process.kill(t.pid, signal); } catch { /* already gone */ }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const t of live) killGroup(t, 'SIGKILL');
    for (const fn of exitHooks) { try { fn(); } catch { /* best effort */ } }
  });
  const onSignal = (sig: NodeJS.Signals) => {
    stopping = true;
    process.stderr.write(`\n[bench] ${sig}: stopping ${live.size} process(es)\n`);
    void stopAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/** Starts `cmd args`, stdout+stderr to `logPath` (or ignored), in its own process group. */
export function startProcess(
  name: string,
  cmd: string,
  args: string[],
  opts: { logPath?: string; cwd?: string; env?: NodeJS.ProcessEnv; stdout?: 'pipe' } = {},
): Tracked {
  installHandlers();
  const fd = opts.logPath ? openSync(opts.logPath, 'a') : undefined;
  const out = opts.stdout === 'pipe' ? 'pipe' : fd ?? 'ignore';
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', out, fd ?? 'pipe'],
    detached: true,
  });
  if (fd !== undefined) closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
  const t: Tracked = {
    name, pid: child.pid, child, logPath: opts.logPath,
    exited: false, exitCode: null, exitSignal: null, done: Promise.resolve(),
  };
  t.done = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      t.exited = true; t.exitCode = code; t.exitSignal = signal;
      // Reap the rest of the group too (a master that died leaves workers behind).
      try { process.kill(-t.pid, 'SIGKILL'); } catch { /* none left */ }
      live.delete(t);
      resolve();
    });
    child.once('error', () => { t.exited = true; live.delete(t); resolve(); });
  });
  live.add(t);
  return t;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProcess(t: Tracked, graceMs = 3000): Promise<void> {
  if (t.exited) return;
  killGroup(t, 'SIGTERM');
  const timer = setTimeout(() => killGroup(t, 'SIGKILL'), graceMs);
  await t.done;
  clearTimeout(timer);
}

/** Stops every process still tracked. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((t) => stopProcess(t)));
}

/** Pids of every process the harness still tracks (for the leftover check). */
export function livePids(): number[] {
  return [...live].map((t) => t.pid);
}

/** Runs a command to completion with a hard timeout; collects stdout and stderr. */
export async function runToCompletion(
  name: string, cmd: string, args: string[], timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  installHandlers();
  const t = startProcess(name, cmd, args, { stdout: 'pipe' });
  let stdout = '';
  let stderr = '';
  t.child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  t.child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; killGroup(t, 'SIGKILL'); }, timeoutMs);
  await t.done;
  clearTimeout(timer);
  return { code: t.exitCode, stdout, stderr, timedOut };
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** One PING over a fresh connection; true if +PONG came back within `timeoutMs`. */
export function pingOnce(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    const finish = (ok: boolean) => { clearTimeout(timer); sock.destroy(); resolve(ok); };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d: Buffer) => { buf += d.toString(); if (buf.includes('\r\n')) finish(buf.startsWith('+PONG')); });
    sock.once('error', () => finish(false));
    sock.once('close', () => finish(false));
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until `port` answers PING; fails fast if `t` exits first. Bounded by `timeoutMs`. */
export async function waitForPing(port: number, t: Tracked | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (t?.exited) throw new Error(`exited before answering PING (code ${t.exitCode}, signal ${t.exitSignal})`);
    if (await pingOnce(port, 500)) return;
    await sleep(100);
  }
  throw new Error(`no PONG on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** The pid and all its descendants, from /proc. */
export function processTree(rootPid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) comes after the ")" that closes the command name.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch { /* exited while we looked */ }
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  }
  return tree.filter((pid) => pid === rootPid || parentOf.has(pid));
}

/** Resident memory in bytes of one process (VmRSS from /proc/PID/status); 0 once it exited. */
export function processRssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory in bytes of the pid plus its descendants. */
export function treeRssBytes(rootPid: number): number {
  let total = 0;
  for (const pid of processTree(rootPid)) total += processRssBytes(pid);
  return total;
}

/** Clock ticks per second of /proc/PID/stat times (USER_HZ: 100 on every Linux we run). */
const USER_HZ = 100;

/**
 * CPU time (user + system) in ms used so far by the pid plus its live descendants, from
 * /proc/PID/stat fields 14 and 15. Noise-resistant where throughput is not: on a shared
 * 2-core machine a run's req/s swings with the neighbours, its CPU per request much less.
 */
export function treeCpuMs(rootPid: number): number {
  let ticks = 0;
  for (const pid of processTree(rootPid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After ")": field 3 is at index 0, so utime (14) is index 11 and stime (15) index 12.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* exited */ }
  }
  return (ticks * 1000) / USER_HZ;
}

/** Hard open-files limit of this process (children inherit it). */
export function openFilesLimit(): number {
  try {
    const m = /Max open files\s+\d+\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m?.[1]) return Number(m[1]);
  } catch { /* not Linux */ }
  return 20_000;
}
