// Load-aware strategies see only the connections of the node they run on. With several nodes
// each one balances its own share, so the operator is told where the strategy is chosen.
import type { StrategyOptionsDto } from '@fulcrum/shared/api';
import type { StrategyName } from '@fulcrum/shared/strategies';

const LOAD_AWARE: ReadonlySet<StrategyName> = new Set(['least-connections', 'least-response-time', 'least-bandwidth', 'power-of-two']);

/** True for strategies that read live load (consistent-hash only while its load bound is on: factor 0 turns it off). */
export function isLoadAware(strategy: StrategyName, options: StrategyOptionsDto = {}): boolean {
  if (strategy === 'consistent-hash') return options.boundedLoadFactor !== 0;
  return LOAD_AWARE.has(strategy);
}

/** The note under the strategy select, or null (one node, or a strategy that ignores load). */
export function clusterStrategyNote(strategy: StrategyName, options: StrategyOptionsDto | undefined, nodeCount: number): string | null {
  if (nodeCount <= 1 || !isLoadAware(strategy, options)) return null;
  return `Each of the ${nodeCount} nodes balances on its own connections only; power-of-two degrades most gracefully.`;
}
