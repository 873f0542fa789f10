// Weighted least connections: fewest active connections per unit of weight wins.
import type { BackendView, StrategyFactory } from '../strategy.ts';
import { RotatingMinStrategy } from './rotating-min.ts';

/** Picks the minimum active / effectiveWeight; ties rotate so equal backends share load. */
export class LeastConnectionsStrategy<B extends BackendView = BackendView> extends RotatingMinStrategy<B> {
  readonly name = 'least-connections';

  // a/wa < b/wb without dividing: a·wb < b·wa (weights are > 0 for eligible backends).
  protected better(a: B, b: B): boolean {
    return a.active * b.effectiveWeight < b.active * a.effectiveWeight;
  }
}

/** Creates a weighted least-connections strategy. */
export const createLeastConnections: StrategyFactory = () => new LeastConnectionsStrategy();
