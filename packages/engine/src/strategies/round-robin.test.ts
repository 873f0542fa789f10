import { describe, expect, it } from 'vitest';
import type { BackendView } from '../strategy.ts';
import { createRoundRobin } from './round-robin.ts';
import { fakeBackends, pickContext } from './test-fixtures.ts';

const ctx = pickContext('10.0.0.1');

describe('round-robin', () => {
  it('rotates in order and ignores weights', () => {
    const s = createRoundRobin({ options: {} });
    s.update(fakeBackends([5, 1, 1]));
    const ids = Array.from({ length: 9 }, () => s.pick(ctx)?.id);
    expect(ids).toEqual(['b0', 'b1', 'b2', 'b0', 'b1', 'b2', 'b0', 'b1', 'b2']);
  });

  it('skips an excluded backend and continues the rotation after the one it picked', () => {
    const backends = fakeBackends([1, 1, 1]);
    const s = createRoundRobin({ options: {} });
    s.update(backends);
    expect(s.pick(ctx)?.id).toBe('b0');
    expect(s.pick(pickContext('10.0.0.1', new Set<BackendView>([backends[1]!])))?.id).toBe('b2');
    expect(s.pick(ctx)?.id).toBe('b0');
  });

  it('shares exactly evenly over many picks', () => {
    const s = createRoundRobin({ options: {} });
    s.update(fakeBackends([1, 1, 1, 1]));
    const counts = new Map<string | number, number>();
    for (let i = 0; i < 10_000; i++) {
      const id = s.pick(ctx)!.id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([2500, 2500, 2500, 2500]);
  });
});
