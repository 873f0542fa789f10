// Weighted random: stateless, so it needs no coordination between engine workers.
import { isEligible } from '../strategy.ts';
import type { BackendView, PickContext, Strategy, StrategyFactory } from '../strategy.ts';
import { WeightedSampler } from './weighted-sampler.ts';

/** Picks a backend with probability proportional to its effective weight. */
export class RandomStrategy<B extends BackendView = BackendView> implements Strategy<B> {
  readonly name = 'random';
  readonly #sampler = new WeightedSampler<B>();
  readonly #random: () => number;

  constructor(random: () => number) {
    this.#random = random;
  }

  update(backends: readonly B[]): void {
    this.#sampler.reset(backends.filter(isEligible));
  }

  pick(ctx: PickContext): B | undefined {
    return this.#sampler.sample(ctx, this.#random);
  }
}

/** Creates a weighted random strategy. */
export const createRandom: StrategyFactory = (opts) => new RandomStrategy(opts.random ?? Math.random);
