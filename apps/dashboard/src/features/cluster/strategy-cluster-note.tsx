import type { StrategyOptionsDto } from '@fulcrum/shared/api';
import type { StrategyName } from '@fulcrum/shared/strategies';
import { useAppStore } from '../../store/app-store.ts';
import { selectClusterNodeCount } from '../../store/selectors.ts';
import { clusterStrategyNote } from './cluster-strategy-note.ts';

/** The cluster note for a strategy choice, or null (one node, or a strategy that ignores load). */
export function useClusterStrategyNote(strategy: StrategyName, options?: StrategyOptionsDto): string | null {
  const nodeCount = useAppStore(selectClusterNodeCount);
  return clusterStrategyNote(strategy, options, nodeCount);
}

/** Shows that note under a strategy select (`id` for the select's aria-describedby). */
export function StrategyClusterNote({ note, id }: { note: string | null; id: string }) {
  if (!note) return null;
  return (
    <p id={id} className="strategy-cluster-note" data-testid="strategy-cluster-note">
      <span className="note-icon" aria-hidden="true">
        i
      </span>
      {note}
    </p>
  );
}
