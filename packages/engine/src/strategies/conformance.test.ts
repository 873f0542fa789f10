// Runs the shared conformance suite for every strategy name the API exposes.
import { describe } from 'vitest';
import { STRATEGY_NAMES } from '@fulcrum/shared/strategies';
import type { StrategyName } from '../config.ts';
import { runStrategyConformance } from './conformance.test-suite.ts';
import type { SkippedCases } from './conformance.test-suite.ts';

const SKIPS: Partial<Record<StrategyName, readonly SkippedCases[]>> = {
  'round-robin': [{ reason: 'ignores weights by definition', cases: ['gives a heavier backend more connections'] }],
  'least-response-time': [
    { reason: 'scores connect-time EWMA × (active + 1); weights are not part of the definition', cases: ['gives a heavier backend more connections'] },
  ],
  'source-ip-hash': [{ reason: 'plain hash mod backend count; weights are not part of the definition', cases: ['gives a heavier backend more connections'] }],
};

describe('strategy conformance', () => {
  for (const name of STRATEGY_NAMES) runStrategyConformance(name, SKIPS[name]);
});
