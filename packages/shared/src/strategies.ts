/**
 * Every balancing strategy the engine implements, with the one-line description shown to operators.
 * `honorsWeights`: a weight above 0 changes its picks (README "Strategies"); weight 0 takes a
 * backend out under every strategy.
 */
export const STRATEGIES = [
  { name: 'round-robin', label: 'Round robin', description: 'Each new connection goes to the next backend in turn; ignores weights.', honorsWeights: false },
  { name: 'weighted-round-robin', label: 'Weighted round robin', description: 'Smooth weighted rotation (nginx-style): heavy backends get more, never in bursts.', honorsWeights: true },
  { name: 'least-connections', label: 'Least connections', description: 'Fewest active connections per unit of weight wins; best for long-lived connections.', honorsWeights: true },
  { name: 'power-of-two', label: 'Power of two choices', description: 'Two random weighted picks; the one with fewer active connections wins. Cheap and robust.', honorsWeights: true },
  { name: 'random', label: 'Random', description: 'Weighted random choice; stateless.', honorsWeights: true },
  { name: 'least-response-time', label: 'Least response time', description: 'Lowest connect-time EWMA × (active + 1); steers away from slow backends.', honorsWeights: false },
  { name: 'least-bandwidth', label: 'Least bandwidth', description: 'Lowest recent bytes/s per unit of weight; evens out heavy streams.', honorsWeights: true },
  { name: 'source-ip-hash', label: 'Source IP hash', description: 'Hash of the client IP modulo backends: sticky, but remaps most clients on change.', honorsWeights: false },
  { name: 'consistent-hash', label: 'Consistent hash', description: 'Client IP on a hash ring with bounded load: sticky, and removing 1 of N moves only ~1/N.', honorsWeights: true },
] as const;

export type StrategyName = (typeof STRATEGIES)[number]['name'];

export const STRATEGY_NAMES: readonly StrategyName[] = STRATEGIES.map((s) => s.name);

export function isStrategyName(value: unknown): value is StrategyName {
  return typeof value === 'string' && (STRATEGY_NAMES as readonly string[]).includes(value);
}
