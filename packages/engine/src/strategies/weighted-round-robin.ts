// Smooth weighted round robin, exactly as nginx's ngx_http_upstream_get_peer: every pick adds
// each backend's weight to its current weight, takes the largest and subtracts the total from
// it. Heavy backends are interleaved with light ones instead of served in bursts, and each
// cycle of sum(weights) picks is exact.
import { canTake, isEligible } from '../strategy.ts';
import type { BackendView, PickContext, Strategy, StrategyFactory } from '../strategy.ts';

/** nginx-style smooth weighted round robin over effective weights. */
export class WeightedRoundRobinStrategy<B extends BackendView = BackendView> implements Strategy<B> {
  readonly name = 'weighted-round-robin';
  #backends: readonly B[] = [];
  #current = new Float64Array(0);

  update(backends: readonly B[]): void {
    const next = backends.filter(isEligible);
    const current = new Float64Array(next.length);
    // Carry current weights over by id, so a change elsewhere in the pool does not restart
    // every cycle (which would favour the heaviest backend after each change).
    const previous = new Map<BackendView['id'], number>();
    for (let i = 0; i < this.#backends.length; i++) previous.set(this.#backends[i]!.id, this.#current[i]!);
    for (let i = 0; i < next.length; i++) current[i] = previous.get(next[i]!.id) ?? 0;
    this.#backends = next;
    this.#current = current;
  }

  pick(ctx: PickContext): B | undefined {
    const list = this.#backends;
    const current = this.#current;
    let best = -1;
    let total = 0;
    for (let i = 0; i < list.length; i++) {
      const b = list[i]!;
      // Like nginx's `tried` bitmap: skipped backends neither gain weight nor count in the total.
      if (!isEligible(b) || !canTake(b, ctx)) continue;
      const w = b.effectiveWeight; // live, so slow start ramps without update()
      current[i]! += w;
      total += w;
      if (best < 0 || current[i]! > current[best]!) best = i;
    }
    if (best < 0) return undefined;
    current[best]! -= total;
    return list[best];
  }
}

/** Creates a smooth weighted round-robin strategy. */
export const createWeightedRoundRobin: StrategyFactory = () => new WeightedRoundRobinStrategy();
