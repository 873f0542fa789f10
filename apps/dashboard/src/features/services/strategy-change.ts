// The pending strategy switch the header's Apply button commits, described before it happens.
import type { StrategyName } from '@fulcrum/shared/strategies';

export interface StrategyChange {
  from: StrategyName;
  to: StrategyName;
  /** "round-robin → least-connections" (the API names, as the events log writes them). */
  text: string;
}

/** The change selecting `selected` would make to `running`, or null when it makes none. */
export function strategyChange(running: StrategyName, selected: StrategyName | null): StrategyChange | null {
  if (selected === null || selected === running) return null;
  return { from: running, to: selected, text: `${running} → ${selected}` };
}
