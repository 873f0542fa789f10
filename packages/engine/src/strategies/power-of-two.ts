// Power of two choices (Mitzenmacher): two independent weighted-random draws, the less loaded
// wins. Nearly as even as least-connections, without a scan and without herding every new
// connection onto the same momentarily idle backend.
import { isEligible } from '../strategy.ts';
import type { BackendView, PickContext, Strategy, StrategyFactory } from '../strategy.ts';
import { WeightedSampler } from './weighted-sampler.ts';

/** Two weighted-random choices; fewer active per unit of effective weight wins (first on a tie). */
export class PowerOfTwoStrategy<B extends BackendView = BackendView> implements Strategy<B> {
  readonly name = 'power-of-two';
  readonly #sampler = new WeightedSampler<B>();
  readonly #random: () => number;

  constructor(random: () => number) {
    this.#random = random;
  }

  update(backends: readonly B[]): void {
    this.#sampler.reset(backends.filter(isEligible));
  }

  pick(ctx: PickContext): B | undefined {
    const first = this.#sampler.sample(ctx, this.#random);
    if (first === undefined) return undefined;
    // Never undefined here: `first` qualifies, so the second draw has a candidate.
    const second = this.#sampler.sample(ctx, this.#random) ?? first;
    return second.active * first.effectiveWeight < first.active * second.effectiveWeight ? second : first;
  }
}

/** Creates a power-of-two-choices strategy. */
export const createPowerOfTwo: StrategyFactory = (opts) => new PowerOfTwoStrategy(opts.random ?? Math.random);
