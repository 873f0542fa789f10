import { describe, expect, it } from 'vitest';
import { STRATEGY_NAMES } from '@fulcrum/shared/strategies';
import { createStrategy, STRATEGY_FACTORIES } from './registry.ts';

describe('strategy registry', () => {
  it('has exactly one factory per API strategy name', () => {
    expect(Object.keys(STRATEGY_FACTORIES).sort()).toEqual([...STRATEGY_NAMES].sort());
  });

  it('creates a fresh strategy carrying its own name', () => {
    for (const name of STRATEGY_NAMES) {
      const a = createStrategy(name, { options: {} });
      expect(a.name).toBe(name);
      expect(createStrategy(name, { options: {} })).not.toBe(a);
    }
  });
});
