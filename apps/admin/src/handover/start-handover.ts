// The running process's side of a hand-over (`fulcrum upgrade`, SIGUSR2; SIGHUP with the engine
// in this process): start the code on disk now as a successor that inherits every listening socket,
// and step back only once it serves. See docs/UPGRADE.md.
//
//   1. pause config changes (503 UPGRADE_IN_PROGRESS): the successor loads the store next, and a
//      change made here afterwards would be lost to it;
//   2. spawn the successor: same command line, same environment, the listening sockets as
//      inherited descriptors (the same kernel sockets: both processes accept from one queue, so no
//      connection is refused and none waiting in the queue is lost), an IPC channel;
//   3. the successor takes the data directory's lock, applies the stored configuration on the
//      inherited sockets, answers on the admin socket, writes the pid file and says "serving";
//   4. this process stops accepting and lets its established connections run to their end (for at
//      most the reload drain limit, if one is set), then exits.
// If the successor exits, or says nothing within the start timeout, it is killed, this process
// takes its lock back, takes changes again and keeps serving as if nothing happened.
import { spawn } from 'node:child_process';
import type { StdioOptions } from 'node:child_process';
import { workerExecArgv } from '../cluster/cluster-setup.ts';
import { HANDOVER_ENV, isServingMessage } from './handover-protocol.ts';
import type { HandoverSpec, InheritedSocket } from './handover-protocol.ts';

/** The listening sockets to pass on; `fd` is the descriptor in this process. */
export interface HandoverSockets {
  admin: InheritedSocket | undefined;
  listeners: InheritedSocket[];
  /** Closes descriptors opened only to be passed on (cluster mode), once the successor has its own. */
  release(): void;
}

/** What a running server offers for a hand-over (server.ts builds it). */
export interface Predecessor {
  sockets(): Promise<HandoverSockets>;
  pauseChanges(): Promise<void>;
  resumeChanges(): void;
  /** Writes the data directory's lock with this process's pid again (the successor gave up). */
  reclaimLock(): void;
  /** After the successor serves: admin and store closed, connections drained, what is left closed. */
  retire(): Promise<void>;
  /** While retiring (SIGTERM): the drain ends at most `timeoutMs` from now. */
  hurry(timeoutMs: number): void;
}

export interface HandoverOptions {
  say(line: string): void;
  /** Aborts a hand-over that is still waiting for its successor (SIGTERM meanwhile): it is killed. */
  signal?: AbortSignal;
  /** How long the successor may take to serve (default HANDOVER_START_TIMEOUT_MS). */
  startTimeoutMs?: number;
}

/** Default for how long a successor may take from spawn to "serving". */
export const HANDOVER_START_TIMEOUT_MS = 60_000;

/** Why a hand-over did not happen; this process serves on. */
export class HandoverError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HandoverError';
  }
}

/** The successor's command: this process's own, so the code on disk now (a new version) runs. */
function successorCommand(): { file: string; args: string[] } {
  const script = process.argv[1];
  if (script === undefined) throw new HandoverError('cannot tell which script this process runs');
  return { file: process.execPath, args: [...workerExecArgv(), script, ...process.argv.slice(2)] };
}

/**
 * Hands this process's sockets, lock and store over to a successor; resolves with the successor's
 * pid once it serves (this process then retires in the background: `retired` settles when done).
 */
export async function startHandover(p: Predecessor, opts: HandoverOptions): Promise<{ pid: number; retired: Promise<void> }> {
  await p.pauseChanges();
  let sockets: HandoverSockets | undefined;
  try {
    sockets = await p.sockets();
    const { admin, listeners } = sockets;
    // The successor's descriptors: 0–2 as ours, 3 the IPC channel, then admin and listeners in order.
    const passed = [...(admin ? [admin] : []), ...listeners];
    const renumber = (s: InheritedSocket, i: number): InheritedSocket => ({ host: s.host, port: s.port, fd: 4 + i });
    const spec: HandoverSpec = {
      from: process.pid,
      admin: admin ? renumber(admin, 0) : undefined,
      listeners: listeners.map((l, i) => renumber(l, i + (admin ? 1 : 0))),
    };
    const stdio: StdioOptions = ['ignore', 'inherit', 'inherit', 'ipc', ...passed.map((s) => s.fd)];
    const { file, args } = successorCommand();
    opts.say(`hand-over: starting a successor (${passed.length} listening socket${passed.length === 1 ? '' : 's'} passed on)`);
    const child = spawn(file, args, { cwd: process.cwd(), env: { ...process.env, [HANDOVER_ENV]: JSON.stringify(spec) }, stdio });
    const pid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => fail(new HandoverError(`the successor (pid ${child.pid}) did not serve within ${Math.round((opts.startTimeoutMs ?? HANDOVER_START_TIMEOUT_MS) / 1000)} s`)), opts.startTimeoutMs ?? HANDOVER_START_TIMEOUT_MS);
      const done = (): void => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      const fail = (err: Error): void => {
        done();
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(err);
      };
      const onMessage = (m: unknown): void => {
        if (!isServingMessage(m)) return;
        done();
        resolve(m.pid);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        fail(new HandoverError(`the successor exited before it served (${signal ?? `exit code ${code}`}); its reason is in the log above`));
      };
      const onError = (err: Error): void => fail(new HandoverError(`cannot start the successor: ${err.message}`, { cause: err }));
      const onAbort = (): void => fail(new HandoverError('this process is shutting down, so its successor was stopped'));
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.once('error', onError);
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
    // The successor lives on by itself: no channel, no reference that keeps this process up.
    child.disconnect();
    child.unref();
    sockets.release();
    return { pid, retired: p.retire() };
  } catch (err) {
    sockets?.release();
    p.reclaimLock();
    p.resumeChanges();
    throw err instanceof HandoverError ? err : new HandoverError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}
