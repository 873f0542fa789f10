// Least bandwidth: lowest recent bytes/s per unit of weight; evens out heavy streams.
import { canTake, isEligible } from '../strategy.ts';
import type { BackendView, PickContext, Strategy, StrategyFactory } from '../strategy.ts';

/** Picks the minimum bandwidthEwma / effectiveWeight; ties go to fewer active per weight, then rotate. */
export class LeastBandwidthStrategy implements Strategy {
  readonly name = 'least-bandwidth';
  #backends: readonly BackendView[] = [];
  #next = 0;

  update(backends: readonly BackendView[]): void {
    this.#backends = backends.filter(isEligible);
  }

  pick(ctx: PickContext): BackendView | undefined {
    const list = this.#backends;
    const n = list.length;
    let best: BackendView | undefined;
    let bestIndex = 0;
    let i = this.#next;
    for (let k = 0; k < n; k++, i++) {
      if (i >= n) i = 0;
      const b = list[i]!;
      if (!isEligible(b) || !canTake(b, ctx)) continue;
      if (best === undefined || isLighter(b, best)) {
        best = b;
        bestIndex = i;
      }
    }
    if (best !== undefined) this.#next = bestIndex + 1;
    return best;
  }
}

// Cross-multiplied comparisons avoid division; new backends (EWMA 0) tie and fall to active.
// Ties matter: idle pools and new backends all sit at 0 bytes/s.
function isLighter(a: BackendView, b: BackendView): boolean {
  const left = a.bandwidthEwma * b.effectiveWeight;
  const right = b.bandwidthEwma * a.effectiveWeight;
  if (left !== right) return left < right;
  return a.active * b.effectiveWeight < b.active * a.effectiveWeight;
}

/** Creates a least-bandwidth strategy. */
export const createLeastBandwidth: StrategyFactory = () => new LeastBandwidthStrategy();
