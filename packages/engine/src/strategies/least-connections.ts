// Weighted least connections: fewest active connections per unit of weight wins.
import { canTake, isEligible } from '../strategy.ts';
import type { BackendView, PickContext, Strategy, StrategyFactory } from '../strategy.ts';

/** Picks the minimum active / effectiveWeight; ties rotate so equal backends share load. */
export class LeastConnectionsStrategy implements Strategy {
  readonly name = 'least-connections';
  #backends: readonly BackendView[] = [];
  // Scan starts after the last pick, and only a strictly better backend replaces the first
  // one seen: that is what rotates ties.
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
      // a/wa < b/wb without dividing: a·wb < b·wa (weights are > 0 for eligible backends).
      if (best === undefined || b.active * best.effectiveWeight < best.active * b.effectiveWeight) {
        best = b;
        bestIndex = i;
      }
    }
    if (best !== undefined) this.#next = bestIndex + 1;
    return best;
  }
}

/** Creates a weighted least-connections strategy. */
export const createLeastConnections: StrategyFactory = () => new LeastConnectionsStrategy();
