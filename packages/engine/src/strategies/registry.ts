// The one place that maps a strategy name (API value) to its implementation.
import type { StrategyName } from '../config.ts';
import type { BackendView, Strategy, StrategyFactory, StrategyFactoryOptions } from '../strategy.ts';
import { createConsistentHash } from './consistent-hash.ts';
import { createLeastBandwidth } from './least-bandwidth.ts';
import { createLeastConnections } from './least-connections.ts';
import { createLeastResponseTime } from './least-response-time.ts';
import { createPowerOfTwo } from './power-of-two.ts';
import { createRandom } from './random.ts';
import { createRoundRobin } from './round-robin.ts';
import { createSourceIpHash } from './source-ip-hash.ts';
import { createWeightedRoundRobin } from './weighted-round-robin.ts';

/** Factory of every strategy, by name; the Record type makes a missing name a compile error. */
export const STRATEGY_FACTORIES: Record<StrategyName, StrategyFactory> = {
  'round-robin': createRoundRobin,
  'weighted-round-robin': createWeightedRoundRobin,
  'least-connections': createLeastConnections,
  'power-of-two': createPowerOfTwo,
  random: createRandom,
  'least-response-time': createLeastResponseTime,
  'least-bandwidth': createLeastBandwidth,
  'source-ip-hash': createSourceIpHash,
  'consistent-hash': createConsistentHash,
};

/** A fresh strategy instance (strategies hold per-service state, so never share one). */
export function createStrategy<B extends BackendView>(name: StrategyName, opts: StrategyFactoryOptions): Strategy<B> {
  return STRATEGY_FACTORIES[name]<B>(opts);
}
