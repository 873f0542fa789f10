import { describe, expect, it } from 'vitest';
import { nodeHasReusePort, workerExecArgv } from './cluster-setup.ts';

describe('worker process flags', () => {
  it('keeps an existing tsx loader and drops watch mode', () => {
    expect(workerExecArgv(['--import', 'tsx', '--watch', '--max-old-space-size=512'])).toEqual(['--import', 'tsx', '--max-old-space-size=512']);
    expect(workerExecArgv(['--watch-path', 'src', '--import=tsx'])).toEqual(['--import=tsx']);
  });

  it('adds the tsx loader by absolute URL when the primary registered it through the API', () => {
    const args = workerExecArgv([]);
    expect(args[0]).toBe('--import');
    expect(args[1]).toMatch(/^file:\/\/.*\/tsx\//);
  });

  it('adds no loader when the primary runs the build (plain JavaScript)', () => {
    expect(workerExecArgv(['--max-old-space-size=512', '--watch'], false)).toEqual(['--max-old-space-size=512']);
  });

  it('knows which Node versions have reusePort', () => {
    expect(nodeHasReusePort('20.20.2')).toBe(false);
    expect(nodeHasReusePort('22.11.0')).toBe(false);
    expect(nodeHasReusePort('22.12.0')).toBe(true);
    expect(nodeHasReusePort('23.0.0')).toBe(false);
    expect(nodeHasReusePort('23.1.0')).toBe(true);
    expect(nodeHasReusePort('24.0.0')).toBe(true);
  });
});
