import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PID_FILE, readRunningPid, removePidFile, writePidFile } from './pid-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const dir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'fulcrum-pid-'));
  dirs.push(d);
  return d;
};

describe('fulcrum.pid', () => {
  it('holds our pid and is removed only while it still names us', () => {
    const d = dir();
    const path = writePidFile(d);
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    writeFileSync(path, '1\n'); // someone else's now
    removePidFile(path);
    expect(readFileSync(path, 'utf8')).toBe('1\n');
    writeFileSync(path, `${process.pid}\n`);
    removePidFile(path);
    expect(() => readFileSync(path)).toThrow();
  });

  it('refuses a missing file, garbage, a dead pid, and a live process that is not fulcrum', async () => {
    const d = dir();
    expect(readRunningPid(d)).toMatchObject({ error: expect.stringContaining(`no ${PID_FILE} in ${d}`) });
    writeFileSync(join(d, PID_FILE), 'nope\n');
    expect(readRunningPid(d)).toMatchObject({ error: expect.stringContaining('does not hold a process id') });
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(join(d, PID_FILE), `${sleeper.pid}\n`);
      expect(readRunningPid(d)).toMatchObject({ error: expect.stringContaining('which is not fulcrum') });
    } finally {
      process.kill(sleeper.pid!, 'SIGKILL');
    }
    await new Promise((resolve) => sleeper.once('exit', resolve));
    expect(readRunningPid(d)).toMatchObject({ error: expect.stringContaining('not running (stale pid file)') });
  });
});
