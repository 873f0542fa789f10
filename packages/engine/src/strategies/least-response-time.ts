// Least response time: lowest connect-time EWMA × (active + 1), so a fast backend still
// loses once it queues enough connections.
import { canTake, isEligible } from '../strategy.ts';
import type { BackendView, PickContext, Strategy, StrategyFactory } from '../strategy.ts';

/** Picks the minimum connectTimeEwmaMs × (active + 1); unmeasured backends (0) count as best. */
export class LeastResponseTimeStrategy implements Strategy {
  readonly name = 'least-response-time';
  #backends: readonly BackendView[] = [];
  // Ties rotate (see least-connections): unmeasured backends all score 0 and share the
  // first connections, so each gets measured.
  #next = 0;

  update(backends: readonly BackendView[]): void {
    this.#backends = backends.filter(isEligible);
  }

  pick(ctx: PickContext): BackendView | undefined {
    const list = this.#backends;
    const n = list.length;
    let best: BackendView | undefined;
    let bestScore = 0;
    let bestIndex = 0;
    let i = this.#next;
    for (let k = 0; k < n; k++, i++) {
      if (i >= n) i = 0;
      const b = list[i]!;
      if (!isEligible(b) || !canTake(b, ctx)) continue;
      const score = b.connectTimeEwmaMs * (b.active + 1);
      if (best === undefined || score < bestScore) {
        best = b;
        bestScore = score;
        bestIndex = i;
      }
    }
    if (best !== undefined) this.#next = bestIndex + 1;
    return best;
  }
}

/** Creates a least-response-time strategy. */
export const createLeastResponseTime: StrategyFactory = () => new LeastResponseTimeStrategy();
