// One writer per data directory. A running admin keeps the engine and the store in step, so
// nothing else may write service config behind its back: the admin (and `fulcrum import`) hold
// `admin.lock` while they run. The lock names a process id; a lock whose process is gone (kill -9,
// power cut) is stale and taken over.
import { openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'admin.lock';

/** What a lock file says about its holder. */
export interface LockInfo {
  pid: number;
  /** `admin` for a running fulcrum, `import` for `fulcrum import`. */
  holder: 'admin' | 'import';
  /** The admin's URL, once it listens. */
  url?: string;
  since: string;
}

/** Another live process holds the data directory. */
export class DataDirLockedError extends Error {
  readonly info: LockInfo;
  constructor(dir: string, info: LockInfo) {
    const who = info.holder === 'admin' ? `a running fulcrum admin (pid ${info.pid}${info.url ? `, ${info.url}` : ''})` : `fulcrum import (pid ${info.pid})`;
    super(`the data directory ${dir} is in use by ${who}`);
    this.name = 'DataDirLockedError';
    this.info = info;
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function read(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return Number.isInteger(info.pid) && (info.pid as number) > 0 ? (info as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

export interface DataDirLock {
  /** Records the admin's URL in the lock (for `fulcrum import`'s advice). */
  setUrl(url: string): void;
  /** Writes our lock again, over a successor's that gave up (a failed hand-over). */
  reclaim(): void;
  release(): void;
}

/**
 * Takes the lock on `dir` (which must exist) or throws DataDirLockedError. `successorOf`: this
 * process takes over from that pid (docs/UPGRADE.md), whose lock it may replace while it runs.
 */
export function lockDataDir(dir: string, holder: LockInfo['holder'], successorOf?: number): DataDirLock {
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, holder, since: new Date().toISOString() };
  let url: string | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeFileSync(fd, `${JSON.stringify(info)}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const current = read(path);
      if (current && alive(current.pid) && current.pid !== successorOf) throw new DataDirLockedError(dir, current);
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  let released = false;
  return {
    setUrl(u) {
      url = u;
      if (!released) writeFileSync(path, `${JSON.stringify({ ...info, url })}\n`);
    },
    reclaim() {
      if (!released) writeFileSync(path, `${JSON.stringify({ ...info, ...(url ? { url } : {}) })}\n`);
    },
    release() {
      if (released) return;
      released = true;
      // Only our own lock: never remove one another process took over.
      if (read(path)?.pid === process.pid) rmSync(path, { force: true });
    },
  };
}
