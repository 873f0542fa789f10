import { describe, expect, it } from 'vitest';
import { parseWorkers, resolveWorkers } from './worker-args.ts';

describe('--workers', () => {
  it('takes a count or auto; absent stays absent', () => {
    expect(parseWorkers(undefined, '--workers')).toBeUndefined();
    expect(parseWorkers('4', '--workers')).toBe(4);
    expect(parseWorkers(' auto ', 'FULCRUM_WORKERS')).toBe('auto');
  });

  it.each(['0', '-1', '2.5', 'many', '', '257'])('rejects %j', (value) => {
    expect(() => parseWorkers(value, '--workers')).toThrow(`--workers "${value}": a number of workers from 1 to 256, or auto`);
  });

  it('resolves auto to the cores available, and nothing to 1 (in-process)', () => {
    expect(resolveWorkers(undefined, 8)).toBe(1);
    expect(resolveWorkers('auto', 8)).toBe(8);
    expect(resolveWorkers('auto', 1)).toBe(1);
    expect(resolveWorkers(3, 8)).toBe(3);
  });
});

describe('parseCliArgs wiring', () => {
  it('passes --workers and --shutdown-timeout (flags win over the environment), absent when unset', async () => {
    const { parseCliArgs, UsageError } = await import('./cli-args.ts');
    expect(parseCliArgs([])).not.toHaveProperty('workers');
    expect(parseCliArgs([])).not.toHaveProperty('shutdownTimeoutMs');
    expect(parseCliArgs(['--workers', 'auto', '--shutdown-timeout', '500'])).toMatchObject({ workers: 'auto', shutdownTimeoutMs: 500 });
    expect(parseCliArgs([], { FULCRUM_WORKERS: '3', FULCRUM_SHUTDOWN_TIMEOUT: '0' })).toMatchObject({ workers: 3, shutdownTimeoutMs: 0 });
    expect(parseCliArgs(['--workers', '2'], { FULCRUM_WORKERS: '3' })).toMatchObject({ workers: 2 });
    expect(() => parseCliArgs(['--workers', 'lots'])).toThrow(new UsageError('--workers "lots": a number of workers from 1 to 256, or auto'));
    expect(() => parseCliArgs([], { FULCRUM_SHUTDOWN_TIMEOUT: 'soon' })).toThrow(UsageError);
  });
});
