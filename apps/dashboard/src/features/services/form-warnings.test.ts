import { describe, expect, it } from 'vitest';
import { addBackendWarnings, endpointKey, sameEndpoints, serviceFormWarnings, weightsIgnored } from './form-warnings.ts';

const codes = (list: { code: string }[]) => list.map((w) => w.code);
const quiet = { strategy: 'least-connections' as const, listen: '127.0.0.1:6380', idleTimeoutMs: '60000' };

describe('serviceFormWarnings', () => {
  it('is quiet for a specific address, an unprivileged port, an idle timeout and used weights', () => {
    expect(serviceFormWarnings(quiet, [{ address: '10.0.0.1:6379', weight: 5 }, { address: '10.0.0.2:6379', weight: 1 }])).toEqual([]);
  });
  it('warns about every interface, a privileged port and no idle timeout', () => {
    expect(codes(serviceFormWarnings({ ...quiet, listen: '0.0.0.0:443', idleTimeoutMs: '0' }, []))).toEqual(['ALL_INTERFACES', 'PRIVILEGED_PORT', 'NO_IDLE_TIMEOUT']);
    expect(codes(serviceFormWarnings({ ...quiet, listen: '[::]:6380' }, []))).toEqual(['ALL_INTERFACES']);
    expect(codes(serviceFormWarnings({ ...quiet, listen: '127.0.0.1:1024' }, []))).toEqual([]);
  });
  it('warns about weights under a strategy that ignores them, naming the heaviest', () => {
    const list = serviceFormWarnings({ ...quiet, strategy: 'round-robin' }, [{ address: '10.0.0.1:6379', weight: 1 }, { address: '10.0.0.2:6379', weight: 5 }]);
    expect(list).toEqual([{ code: 'WEIGHTS_IGNORED', text: expect.stringContaining('Round robin ignores weights: 10.0.0.2:6379 (weight 5)') }]);
  });
});

describe('weightsIgnored', () => {
  it('only when positive weights differ under round-robin, least-response-time or source-ip-hash', () => {
    const mixed = [{ address: 'a:1', weight: 1 }, { address: 'b:1', weight: 3 }];
    for (const s of ['round-robin', 'least-response-time', 'source-ip-hash'] as const) expect(weightsIgnored(s, mixed)?.code).toBe('WEIGHTS_IGNORED');
    for (const s of ['weighted-round-robin', 'least-connections', 'power-of-two', 'random', 'least-bandwidth', 'consistent-hash'] as const) expect(weightsIgnored(s, mixed)).toBeNull();
    // Equal weights and weight 0 (honoured by every strategy) change nothing.
    expect(weightsIgnored('round-robin', [{ address: 'a:1', weight: 3 }, { address: 'b:1', weight: 3 }, { address: 'c:1', weight: 0 }])).toBeNull();
  });
});

describe('same endpoint', () => {
  it('treats the spellings of loopback and host case as one endpoint', () => {
    expect(endpointKey('localhost:6379')).toBe(endpointKey('127.0.0.1:6379'));
    expect(endpointKey('[::1]:6379')).toBe(endpointKey('127.0.0.1:6379'));
    expect(endpointKey('Redis.Internal:6379')).toBe('redis.internal:6379');
    expect(endpointKey('127.0.0.1:6380')).not.toBe(endpointKey('127.0.0.1:6379'));
  });
  it('warns in the service form and the add-backend form', () => {
    expect(codes(sameEndpoints([{ address: '127.0.0.1:6379', weight: 1 }, { address: 'localhost:6379', weight: 1 }]))).toEqual(['SAME_ENDPOINT']);
    const existing = [{ address: '127.0.0.1:6379', weight: 1 }];
    expect(addBackendWarnings('least-connections', { address: 'localhost:6379', weight: 1 }, existing)).toEqual([
      { code: 'SAME_ENDPOINT', text: 'localhost:6379 is the same endpoint as 127.0.0.1:6379: it would get connections from both entries.' },
    ]);
    expect(addBackendWarnings('least-connections', { address: '127.0.0.1:6380', weight: 1 }, existing)).toEqual([]);
  });
  it('warns when a new backend brings a weight the strategy ignores', () => {
    const existing = [{ address: '10.0.0.1:6379', weight: 1 }];
    expect(codes(addBackendWarnings('round-robin', { address: '10.0.0.2:6379', weight: 4 }, existing))).toEqual(['WEIGHTS_IGNORED']);
    expect(addBackendWarnings('round-robin', { address: '10.0.0.2:6379', weight: 1 }, existing)).toEqual([]);
  });
});
