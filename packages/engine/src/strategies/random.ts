// Weighted random: stateless, so it needs no coordination between engine workers.
import { isEligible } from '../strategy.ts';
import type { BackendView, PickContext, Strategy, StrategyFactory } from '../strategy.ts';
import { WeightedSampler } from './weighted-sampler.ts';

/** Picks a backend with probability proportional to its effective weight. */
export class RandomStrategy implements Strategy {
  readonly name = 'random';
  readonly #sampler = new WeightedSampler();
  readonly #random: () => number;

  constructor(random: () => number) {
    this.#random = random;
  }

  update(backends: readonly BackendView[]): void {
    this.#sampler.reset(backends.filter(isEligible));
  }

  pick(ctx: PickContext): BackendView | undefined {
    return this.#sampler.sample(ctx, this.#random);
  }
}

/** Creates a weighted random strategy. */
export const createRandom: StrategyFactory = (opts) => new RandomStrategy(opts.random ?? Math.random);
