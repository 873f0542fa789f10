// `fulcrum.pid` in the data directory: the running primary's pid, one line, so operators and
// service managers can `kill -HUP $(cat data/fulcrum.pid)`, and `fulcrum reload` finds it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PID_FILE = 'fulcrum.pid';

/** Writes our pid; returns the path (removed again by removePidFile). */
export function writePidFile(dataDir: string): string {
  const path = join(dataDir, PID_FILE);
  writeFileSync(path, `${process.pid}\n`, { mode: 0o644 });
  return path;
}

/** Removes the pid file if it still names this process. */
export function removePidFile(path: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
  } catch {
    // Already gone.
  }
}

/** The pid a pid file names, or a reason why there is none to signal. */
export function readRunningPid(dataDir: string): { pid: number } | { error: string } {
  const path = join(dataDir, PID_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { error: `no ${PID_FILE} in ${dataDir}: is fulcrum running with --data ${dataDir}?` };
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 1) return { error: `${path} does not hold a process id` };
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return { error: `${path} names pid ${pid}, which is not running (stale pid file)` };
  }
  // A stale file's pid may have been reused by another program: SIGHUP would kill most of them.
  const cmdline = readCmdline(pid);
  if (cmdline !== undefined && !/fulcrum|cli\.ts/.test(cmdline)) {
    return { error: `${path} names pid ${pid}, which is not fulcrum (${cmdline.slice(0, 80)}); not signalling it` };
  }
  return { pid };
}

function readCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined; // not Linux: trust the pid file
  }
}
