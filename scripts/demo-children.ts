// Every process the demo starts goes through here, so each one is stopped by its PID: gently on a
// clean shutdown (stopChild), and with SIGKILL on any other way out (killAllNow from 'exit').
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { once } from 'node:events';

/** A started child process. */
export interface TrackedChild {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
}

const tracked = new Set<TrackedChild>();

/**
 * Starts `command` and tracks it. Children get their own process group (detached) so a Ctrl-C
 * in the terminal reaches only the demo, which then stops them in order; they are not unref'd.
 */
export async function spawnTracked(name: string, command: string, args: readonly string[], opts: SpawnOptions = {}): Promise<TrackedChild> {
  const child = spawn(command, args, { ...opts, detached: true });
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  await once(child, 'spawn'); // rejects with ENOENT and the like
  const entry: TrackedChild = {
    name,
    pid: child.pid!,
    child,
    exited,
    get running() {
      return running;
    },
  };
  tracked.add(entry);
  void exited.then(() => {
    running = false;
    tracked.delete(entry);
  });
  return entry;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function exitedWithin(entry: TrackedChild, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = await Promise.race([entry.exited.then(() => true), timeout]);
  clearTimeout(timer);
  return done;
}

/** Sends `sig`, waits up to `graceMs`, then SIGKILLs and waits for the exit. */
export async function stopChild(entry: TrackedChild, sig: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<{ killed: boolean }> {
  if (!entry.running) return { killed: false };
  signal(entry.pid, sig);
  if (await exitedWithin(entry, graceMs)) return { killed: false };
  signal(entry.pid, 'SIGKILL');
  await exitedWithin(entry, 5000);
  return { killed: true };
}

/** Synchronous last resort (process 'exit', a second Ctrl-C): SIGKILL every child still running. */
export function killAllNow(): void {
  for (const entry of tracked) signal(entry.pid, 'SIGKILL');
}

/** Children that have not exited yet. */
export function runningChildren(): TrackedChild[] {
  return [...tracked];
}
