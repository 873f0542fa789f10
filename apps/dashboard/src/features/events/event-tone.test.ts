import { describe, expect, it } from 'vitest';
import { eventTone } from './event-tone.ts';

describe('eventTone', () => {
  it('colours health transitions', () => {
    expect(eventTone('backend.down')).toBe('down');
    expect(eventTone('health_up')).toBe('up');
    expect(eventTone('backend.connect-failed')).toBe('down');
  });
  it('does not read "update" as "up"', () => {
    expect(eventTone('config.updated')).toBe('config');
    expect(eventTone('service.update')).toBe('config');
  });
  it('colours drains and removals', () => {
    expect(eventTone('drain.finished')).toBe('draining');
    expect(eventTone('backend.removed')).toBe('draining');
  });
  it('uses the target state of a transition when there is one', () => {
    expect(eventTone('backend-health', { from: 'up', to: 'down' })).toBe('down');
    expect(eventTone('backend-health', { from: 'down', to: 'up' })).toBe('up');
    expect(eventTone('backend-state', { from: 'enabled', to: 'draining' })).toBe('draining');
    expect(eventTone('backend-drained', { removed: true })).toBe('draining');
    expect(eventTone('service-error', { code: 'EADDRINUSE' })).toBe('down');
    expect(eventTone('backend-added')).toBe('config');
  });
  it('falls back to plain', () => {
    expect(eventTone('something')).toBe('plain');
  });
});
