// Colour family of each event kind. A Record over EventKind (@fulcrum/shared/event-kinds), so a
// new kind without a colour does not compile.
import type { EventKind } from '@fulcrum/shared/event-kinds';

export type EventTone = 'up' | 'down' | 'draining' | 'config' | 'plain';

const KIND_TONE: Record<EventKind, EventTone> = {
  'service-created': 'config',
  'service-updated': 'config',
  'service-deleted': 'draining',
  'backend-added': 'config',
  'backend-updated': 'config',
  'backend-removed': 'draining',
  'backend-rebalanced': 'config',
  'config-replaced': 'config',
  'token-created': 'config',
  'token-revoked': 'plain',
  // An operator closed connections from the connection list.
  'connection-closed': 'draining',
  'backend-connections-closed': 'draining',
  // Transitions: coloured by their target state (`details.to`) when there is one.
  'backend-health': 'config',
  'backend-state': 'config',
  // What a backend's agent said (up, ready, drain, maint, down; README "Agent checks").
  'backend-agent': 'config',
  'backend-drained': 'draining',
  // A rebalance ends a backend's connections over a window (it stays in rotation).
  'rebalance-started': 'config',
  'rebalance-ended': 'config',
  'service-error': 'down',
  // DNS discovery: members changed, resolution failed (members kept), resolving again.
  'discovery-changed': 'config',
  'discovery-failed': 'down',
  'discovery-recovered': 'up',
  // A cluster node could not apply the newest configuration version.
  'apply-failed': 'down',
  // The admin process itself: started (up), stopped gracefully (plain).
  'admin-started': 'up',
  'admin-stopped': 'plain',
};

const TARGET_TONE: Readonly<Record<string, EventTone>> = {
  up: 'up',
  enabled: 'up',
  ready: 'up',
  down: 'down',
  draining: 'draining',
  disabled: 'draining',
  drain: 'draining',
  maint: 'draining',
};

/** Colour for an event; a transition's target state (`details.to`) wins over the kind's colour. */
export function eventTone(kind: EventKind, details: Record<string, unknown> = {}): EventTone {
  const to = typeof details.to === 'string' ? TARGET_TONE[details.to] : undefined;
  // An older or newer admin may send a kind this console does not know: plain, not a crash.
  return to ?? (Object.hasOwn(KIND_TONE, kind) ? KIND_TONE[kind] : 'plain');
}
