// Round robin: each new connection goes to the next eligible backend in turn.
import { canTake, isEligible } from '../strategy.ts';
import type { BackendView, PickContext, Strategy, StrategyFactory } from '../strategy.ts';

/** Rotates over eligible backends, ignoring weights. */
export class RoundRobinStrategy<B extends BackendView = BackendView> implements Strategy<B> {
  readonly name = 'round-robin';
  #backends: readonly B[] = [];
  #next = 0;

  update(backends: readonly B[]): void {
    // The cursor survives the change: it is wrapped on the next pick.
    this.#backends = backends.filter(isEligible);
  }

  pick(ctx: PickContext): B | undefined {
    const list = this.#backends;
    const n = list.length;
    let i = this.#next;
    for (let k = 0; k < n; k++, i++) {
      if (i >= n) i = 0;
      const b = list[i]!;
      // Re-checked live: state can move before the engine calls update().
      if (isEligible(b) && canTake(b, ctx)) {
        this.#next = i + 1;
        return b;
      }
    }
    return undefined;
  }
}

/** Creates a round-robin strategy. */
export const createRoundRobin: StrategyFactory = () => new RoundRobinStrategy();
