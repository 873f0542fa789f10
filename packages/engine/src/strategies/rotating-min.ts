// The shared scan of the least-* strategies: the eligible backend that minimizes a score wins.
// The scan starts after the last pick, and only a strictly better backend replaces the first one
// seen, so equal backends take turns (idle pools, new backends) instead of the first always winning.
import { canTake, isEligible } from '../strategy.ts';
import type { BackendView, PickContext, Strategy } from '../strategy.ts';
import type { StrategyName } from '../config.ts';

/** Base of least-connections, least-bandwidth and least-response-time. */
export abstract class RotatingMinStrategy<B extends BackendView = BackendView> implements Strategy<B> {
  abstract readonly name: StrategyName;
  #backends: readonly B[] = [];
  #next = 0;

  update(backends: readonly B[]): void {
    this.#backends = backends.filter(isEligible);
  }

  /** true when `a` should be preferred over `b` (strictly: ties keep `b`). */
  protected abstract better(a: B, b: B): boolean;

  pick(ctx: PickContext): B | undefined {
    const list = this.#backends;
    const n = list.length;
    let best: B | undefined;
    let bestIndex = 0;
    let i = this.#next;
    for (let k = 0; k < n; k++, i++) {
      if (i >= n) i = 0;
      const b = list[i]!;
      if (!isEligible(b) || !canTake(b, ctx)) continue;
      if (best === undefined || this.better(b, best)) {
        best = b;
        bestIndex = i;
      }
    }
    if (best !== undefined) this.#next = bestIndex + 1;
    return best;
  }
}
