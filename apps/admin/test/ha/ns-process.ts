// Processes inside network namespaces: `ip netns exec NS cmd …` execs cmd in place, so the
// spawned PID is the command's own PID. Every process is tracked and stopped by that PID — by
// the harness's teardown, or by the exit hook below if the runner dies first. Never by name.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

const OUTPUT_LIMIT = 256 * 1024;

/** A process running in a namespace; `output()` keeps its stdout and stderr for diagnostics. */
export interface NsProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  output(): string;
  exited(): boolean;
  waitExit(): Promise<void>;
  /** How much output there has been so far: a mark for `waitFor(…, since)`. */
  mark(): number;
  /** Resolves with the first match of `pattern` in the output after `since` (a mark), so far or to come. */
  waitFor(pattern: RegExp, timeoutMs: number, since?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` now, without waiting. */
  signal(signal: NodeJS.Signals): void;
  /** `signal`, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Spawns `command args…` in namespace `ns` (as root; `env` replaces the environment if given). */
export function spawnIn(ns: string, name: string, command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): NsProcess {
  const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env, cwd: options.cwd });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const pid = child.pid;
  live.add(child);
  let output = '';
  let total = 0; // characters ever appended; output holds the last OUTPUT_LIMIT of them
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    total += text.length;
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
    for (const wake of waiters) wake();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  child.stdin!.on('error', () => {}); // the process may exit before reading its stdin
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => {
    live.delete(child);
    for (const wake of waiters) wake();
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  return {
    name,
    pid,
    child,
    output: () => output,
    exited,
    waitExit: () => exit,
    signal,
    mark: () => total,
    waitFor(pattern, timeoutMs, since = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.slice(Math.max(0, since - (total - output.length))).match(pattern);
          if (match) return done(() => resolve(match));
          if (exited()) return done(() => reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${output.slice(-4000)}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${output.slice(-4000)}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    async stop(sig = 'SIGTERM', graceMs = 10_000) {
      if (exited()) return;
      signal(sig);
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      try {
        await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Runs a short command in namespace `ns` to completion; returns stdout, throws on failure. */
export function runIn(ns: string, command: string, args: readonly string[], timeoutMs = 10_000): string {
  return execFileSync('ip', ['netns', 'exec', ns, command, ...args], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `ip args…` (outside any namespace of ours; use `-n NS` to act inside one). */
export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
}
