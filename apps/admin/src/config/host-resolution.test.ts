import { describe, expect, it } from 'vitest';
import { MAX_LOOKUPS, needsLookup, resolveHosts } from './host-resolution.ts';

describe('resolveHosts', () => {
  it('never waits longer than its deadline, whatever the resolver does', async () => {
    const hanging = () => new Promise<string[]>(() => {});
    const started = Date.now();
    const result = await resolveHosts(['slow.example', 'fast.example'], {
      timeoutMs: 50,
      lookup: (host) => (host === 'fast.example' ? Promise.resolve(['192.0.2.1']) : hanging()),
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.get('slow.example')).toEqual({ error: 'no answer within 50 ms' });
    expect(result.get('fast.example')).toEqual({ addresses: ['192.0.2.1'] });
  });

  it('records the error of a failed lookup and looks up nothing for literals and localhost', async () => {
    const asked: string[] = [];
    const lookup = async (host: string) => {
      asked.push(host);
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const result = await resolveHosts(['127.0.0.1', '::1', 'localhost', 'db.localhost', 'Gone.Invalid', 'gone.invalid'], { lookup });
    expect(asked).toEqual(['gone.invalid']);
    expect(result.get('gone.invalid')).toEqual({ error: 'ENOTFOUND' });
    expect(needsLookup('example.com')).toBe(true);
  });

  it(`looks up at most ${MAX_LOOKUPS} names`, async () => {
    let asked = 0;
    const names = Array.from({ length: MAX_LOOKUPS + 10 }, (_, i) => `n${i}.example`);
    await resolveHosts(names, { lookup: async () => (asked++, ['192.0.2.1']) });
    expect(asked).toBe(MAX_LOOKUPS);
  });

  it('uses the system resolver by default: a reserved .invalid name does not resolve', async () => {
    const result = await resolveHosts(['nothing-here.invalid']);
    expect(result.get('nothing-here.invalid')).toEqual({ error: expect.any(String) });
  });
});
