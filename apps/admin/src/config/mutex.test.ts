import { describe, expect, it } from 'vitest';
import { Mutex } from './mutex.ts';

describe('Mutex', () => {
  it('runs tasks one at a time in call order, even across awaits', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    const task = (name: string, ticks: number) => async () => {
      log.push(`${name} start`);
      for (let i = 0; i < ticks; i++) await new Promise((resolve) => setImmediate(resolve));
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([mutex.run(task('a', 3)), mutex.run(task('b', 0)), mutex.run(task('c', 1))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(mutex.pending).toBe(0);
  });

  it('keeps going after a task fails, and the caller sees the failure', async () => {
    const mutex = new Mutex();
    const failed = mutex.run(() => {
      throw new Error('boom');
    });
    const next = mutex.run(() => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
