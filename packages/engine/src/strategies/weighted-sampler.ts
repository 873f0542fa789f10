// Weighted random choice shared by `random` and `power-of-two`. Picks are O(log n) in the
// steady state and read effectiveWeight live, so slow start needs no update() call.
import { canTake, isEligible } from '../strategy.ts';
import type { BackendView, PickContext } from '../strategy.ts';

// Fast-path draws before falling back to an exact O(n) scan (many excluded, full or ramping backends).
const FAST_DRAWS = 4;

/**
 * Draws backends with probability proportional to effectiveWeight among those that can take
 * the connection. The table holds configured weights (they change only with update());
 * a backend still in slow start is accepted with probability effectiveWeight / weight
 * (rejection sampling), which keeps the result exact without rebuilding the table.
 * Assumes effectiveWeight ≤ weight, as slow start only ever lowers it.
 */
export class WeightedSampler<B extends BackendView = BackendView> {
  #backends: readonly B[] = [];
  #cumulative = new Float64Array(0);
  #total = 0;

  /** Replaces the candidate list (already filtered to eligible backends). */
  reset(backends: readonly B[]): void {
    this.#backends = backends;
    this.#cumulative = new Float64Array(backends.length);
    let total = 0;
    for (let i = 0; i < backends.length; i++) {
      total += backends[i]!.weight;
      this.#cumulative[i] = total;
    }
    this.#total = total;
  }

  /** One weighted draw among backends that are eligible now and can take `ctx`; undefined if none. */
  sample(ctx: PickContext, random: () => number): B | undefined {
    const list = this.#backends;
    if (list.length === 0) return undefined;
    for (let draw = 0; draw < FAST_DRAWS; draw++) {
      const b = list[this.#indexOf(random() * this.#total)]!;
      if (!isEligible(b) || !canTake(b, ctx)) continue;
      const ew = b.effectiveWeight;
      if (ew >= b.weight || random() * b.weight < ew) return b;
    }
    return this.#scan(ctx, random);
  }

  // First index whose cumulative weight exceeds r.
  #indexOf(r: number): number {
    const c = this.#cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  // Exact draw over the live weights of qualifying backends: same distribution as the fast path.
  #scan(ctx: PickContext, random: () => number): B | undefined {
    const list = this.#backends;
    let total = 0;
    for (const b of list) if (isEligible(b) && canTake(b, ctx)) total += Math.min(b.effectiveWeight, b.weight);
    if (total <= 0) return undefined;
    let r = random() * total;
    let last: B | undefined;
    for (const b of list) {
      if (!isEligible(b) || !canTake(b, ctx)) continue;
      last = b;
      r -= Math.min(b.effectiveWeight, b.weight);
      if (r < 0) return b;
    }
    return last; // only reached through floating-point rounding
  }
}
