import { describe, expect, it } from 'vitest';
import { STRATEGY_NAMES } from '@fulcrum/shared/strategies';
import { clusterStrategyNote, isLoadAware } from './cluster-strategy-note.ts';

describe('clusterStrategyNote', () => {
  it('marks exactly the strategies that read live load', () => {
    expect(STRATEGY_NAMES.filter((s) => isLoadAware(s))).toEqual([
      'least-connections',
      'power-of-two',
      'least-response-time',
      'least-bandwidth',
      'consistent-hash',
    ]);
    expect(isLoadAware('consistent-hash', { boundedLoadFactor: 1.25 })).toBe(true);
    expect(isLoadAware('consistent-hash', { boundedLoadFactor: 0 })).toBe(false);
  });

  it('speaks only when several nodes run a load-aware strategy', () => {
    expect(clusterStrategyNote('least-connections', {}, 3)).toBe(
      'Each of the 3 nodes balances on its own connections only; power-of-two degrades most gracefully.',
    );
    expect(clusterStrategyNote('least-connections', {}, 1)).toBeNull();
    expect(clusterStrategyNote('least-connections', {}, 0)).toBeNull();
    expect(clusterStrategyNote('round-robin', {}, 3)).toBeNull();
    expect(clusterStrategyNote('consistent-hash', { boundedLoadFactor: 0 }, 3)).toBeNull();
    expect(clusterStrategyNote('consistent-hash', undefined, 2)).toContain('Each of the 2 nodes');
  });
});
