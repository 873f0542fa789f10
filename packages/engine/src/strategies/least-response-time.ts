// Least response time: lowest connect-time EWMA × (active + 1), so a fast backend still
// loses once it queues enough connections.
import type { BackendView, StrategyFactory } from '../strategy.ts';
import { RotatingMinStrategy } from './rotating-min.ts';

/** Picks the minimum connectTimeEwmaMs × (active + 1); unmeasured backends (0) count as best. */
export class LeastResponseTimeStrategy<B extends BackendView = BackendView> extends RotatingMinStrategy<B> {
  readonly name = 'least-response-time';

  // Unmeasured backends all score 0 and, through the rotating ties, share the first
  // connections, so each gets measured.
  protected better(a: B, b: B): boolean {
    return a.connectTimeEwmaMs * (a.active + 1) < b.connectTimeEwmaMs * (b.active + 1);
  }
}

/** Creates a least-response-time strategy. */
export const createLeastResponseTime: StrategyFactory = () => new LeastResponseTimeStrategy();
