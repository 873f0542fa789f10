import { describe, expect, it } from 'vitest';
import { EVENT_KINDS } from '@fulcrum/shared/event-kinds';
import type { EventKind } from '@fulcrum/shared/event-kinds';
import { eventTone } from './event-tone.ts';

describe('eventTone', () => {
  it('colours every kind the admin records', () => {
    const tones = Object.fromEntries(EVENT_KINDS.map((kind) => [kind, eventTone(kind)]));
    expect(tones).toEqual({
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
      'connection-closed': 'draining',
      'backend-connections-closed': 'draining',
      'backend-health': 'config',
      'backend-state': 'config',
      'backend-agent': 'config',
      'backend-drained': 'draining',
      'rebalance-started': 'config',
      'rebalance-ended': 'config',
      'service-error': 'down',
      'discovery-changed': 'config',
      'discovery-failed': 'down',
      'discovery-recovered': 'up',
      'apply-failed': 'down',
      'admin-started': 'up',
      'admin-stopped': 'plain',
    });
  });
  it('uses the target state of a transition when there is one', () => {
    expect(eventTone('backend-health', { from: 'up', to: 'down' })).toBe('down');
    expect(eventTone('backend-health', { from: 'down', to: 'up' })).toBe('up');
    expect(eventTone('backend-state', { from: 'enabled', to: 'draining' })).toBe('draining');
    expect(eventTone('backend-state', { from: 'draining', to: 'enabled' })).toBe('up');
    expect(eventTone('backend-agent', { from: 'up', to: 'drain' })).toBe('draining');
    expect(eventTone('backend-agent', { from: 'drain', to: 'ready' })).toBe('up');
    expect(eventTone('backend-drained', { removed: true })).toBe('draining');
    expect(eventTone('service-error', { code: 'EADDRINUSE' })).toBe('down');
  });
  it('falls back to plain for a kind this console does not know', () => {
    expect(eventTone('something' as EventKind)).toBe('plain');
    expect(eventTone('constructor' as EventKind)).toBe('plain');
  });
});
