import { describe, expect, it } from 'vitest';
import { parseLiveMessage } from './live-messages.ts';

describe('parseLiveMessage', () => {
  it('accepts the five message types', () => {
    const stats = { time: 1, services: [] };
    expect(parseLiveMessage(JSON.stringify({ type: 'hello', services: [], stats }))?.type).toBe('hello');
    expect(parseLiveMessage(JSON.stringify({ type: 'stats', stats }))?.type).toBe('stats');
    expect(parseLiveMessage(JSON.stringify({ type: 'event', event: { id: 1 } }))?.type).toBe('event');
    expect(parseLiveMessage(JSON.stringify({ type: 'config', services: [] }))?.type).toBe('config');
    expect(parseLiveMessage(JSON.stringify({ type: 'cluster', cluster: { version: 3, store: 'postgres', nodes: [] } }))?.type).toBe('cluster');
  });

  it('drops malformed and unknown messages', () => {
    expect(parseLiveMessage('not json')).toBeNull();
    expect(parseLiveMessage('null')).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ type: 'stats' }))).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ type: 'stats', stats: { time: 'x', services: [] } }))).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ type: 'future-thing' }))).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ type: 'event', event: {} }))).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ type: 'cluster' }))).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ type: 'cluster', cluster: { version: '3', nodes: [] } }))).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ type: 'cluster', cluster: { version: 3 } }))).toBeNull();
  });
});
