// How each node state looks: words, an icon and the app's status tones, so a state never rests on
// colour alone.
import type { NodeState } from '@fulcrum/shared/cluster';
import type { BadgeTone } from '../../components/badge.tsx';

export interface NodeStateView {
  /** The words shown and read out. */
  label: string;
  /** A shape that differs per state (aria-hidden; the label carries the meaning). */
  icon: string;
  tone: BadgeTone;
}

/** Every node state's label, icon and tone. */
export const NODE_STATE_VIEW: Record<NodeState, NodeStateView> = {
  'in-step': { label: 'in step', icon: '✓', tone: 'up' },
  behind: { label: 'behind', icon: '↻', tone: 'draining' },
  'apply-failed': { label: 'apply failed', icon: '!', tone: 'down' },
  lost: { label: 'lost', icon: '✕', tone: 'down' },
};

/** A state this console does not know yet (a newer admin) reads as itself, in a neutral tone. */
export function nodeStateView(state: string): NodeStateView {
  return (NODE_STATE_VIEW as Record<string, NodeStateView | undefined>)[state] ?? { label: state, icon: '?', tone: 'unknown' };
}
