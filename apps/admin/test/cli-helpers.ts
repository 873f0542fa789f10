// The real `fulcrum` command in a child process, for CLI tests. Children are killed by PID.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ADMIN_DIR = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

/** SIGKILLs every child still running (call in afterEach). */
export function killChildren(): void {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }
}

export interface Run {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` on stdout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (null when killed by a signal). */
  exit(): Promise<number | null>;
}

/** Starts `node --import tsx src/cli.ts …args` with a clean FULCRUM_* environment plus `env`. */
export function run(args: string[], env: Record<string, string> = {}): Run {
  return runNode(['--import', 'tsx', 'src/cli.ts', ...args], env);
}

/** Starts `node …nodeArgs` in apps/admin with a clean FULCRUM_* environment plus `env`. */
export function runNode(nodeArgs: string[], env: Record<string, string> = {}): Run {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FULCRUM_')));
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ADMIN_DIR,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit: () => exited,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = out.match(pattern);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`fulcrum exited (${child.exitCode}) before printing ${pattern}:\n${out}\n${err}`);
        if (Date.now() > deadline) throw new Error(`fulcrum did not print ${pattern}:\n${out}\n${err}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

/** Runs a command to completion. */
export async function runToEnd(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = run(args, env);
  const code = await r.exit();
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}
