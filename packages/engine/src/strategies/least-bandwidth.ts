// Least bandwidth: lowest recent bytes/s per unit of weight; evens out heavy streams.
import type { BackendView, StrategyFactory } from '../strategy.ts';
import { RotatingMinStrategy } from './rotating-min.ts';

/** Picks the minimum bandwidthEwma / effectiveWeight; ties go to fewer active per weight, then rotate. */
export class LeastBandwidthStrategy<B extends BackendView = BackendView> extends RotatingMinStrategy<B> {
  readonly name = 'least-bandwidth';

  // Cross-multiplied comparisons avoid division; new backends (EWMA 0) tie and fall to active.
  // Ties matter: idle pools and new backends all sit at 0 bytes/s.
  protected better(a: B, b: B): boolean {
    const left = a.bandwidthEwma * b.effectiveWeight;
    const right = b.bandwidthEwma * a.effectiveWeight;
    if (left !== right) return left < right;
    return a.active * b.effectiveWeight < b.active * a.effectiveWeight;
  }
}

/** Creates a least-bandwidth strategy. */
export const createLeastBandwidth: StrategyFactory = () => new LeastBandwidthStrategy();
