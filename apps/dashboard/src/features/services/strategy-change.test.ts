import { describe, expect, it } from 'vitest';
import { strategyChange } from './strategy-change.ts';

describe('strategyChange', () => {
  it('describes a switch from the running strategy to the selected one', () => {
    expect(strategyChange('round-robin', 'least-connections')).toEqual({ from: 'round-robin', to: 'least-connections', text: 'round-robin → least-connections' });
  });

  it('is null when nothing is selected or the running strategy is selected again', () => {
    expect(strategyChange('round-robin', null)).toBeNull();
    expect(strategyChange('random', 'random')).toBeNull();
  });
});
