// Colour family of an event (kinds: `backend-health`, `service-created`, … — README, "Events").
// A transition's target state decides; otherwise the words of the kind, matched whole, so
// "updated" is not read as "up".

export type EventTone = 'up' | 'down' | 'draining' | 'config' | 'plain';

const DOWN = new Set(['down', 'fail', 'failed', 'failure', 'error', 'rejected', 'timeout', 'unhealthy']);
const UP = new Set(['up', 'recovered', 'healthy', 'started']);
const DRAIN = new Set(['drain', 'draining', 'drained', 'removed', 'deleted', 'disabled', 'stopped']);
const CONFIG = new Set(['config', 'created', 'added', 'updated', 'changed', 'strategy', 'weight', 'enabled', 'login', 'logout', 'service', 'backend']);

/** Colour for an event; a transition's target state (`details.to`) wins over the kind's wording. */
export function eventTone(kind: string, details: Record<string, unknown> = {}): EventTone {
  const to = typeof details.to === 'string' ? details.to.toLowerCase() : null;
  if (to === 'up' || to === 'enabled') return 'up';
  if (to === 'down') return 'down';
  if (to === 'draining' || to === 'disabled') return 'draining';
  const words = kind.toLowerCase().split(/[^a-z]+/).filter(Boolean);
  if (words.some((w) => DOWN.has(w))) return 'down';
  if (words.some((w) => UP.has(w))) return 'up';
  if (words.some((w) => DRAIN.has(w))) return 'draining';
  if (words.some((w) => CONFIG.has(w))) return 'config';
  return 'plain';
}
