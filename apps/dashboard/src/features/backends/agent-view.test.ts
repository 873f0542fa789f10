import { describe, expect, it } from 'vitest';
import type { AgentViewDto } from '@fulcrum/shared/api';
import { agentAdmits, agentDetail, agentLabel, agentTone } from './agent-view.ts';

const view = (over: Partial<AgentViewDto>): AgentViewDto => ({ state: null, weightPercent: null, reason: null, lastAt: null, error: null, ...over });

describe('agent badge', () => {
  it('labels state and weight', () => {
    expect(agentLabel(view({ state: 'drain' }))).toBe('agent drain');
    expect(agentLabel(view({ state: 'up', weightPercent: 75 }))).toBe('agent up 75%');
    expect(agentLabel(view({ weightPercent: 100 }))).toBe('agent ?');
    expect(agentLabel(view({}))).toBe('agent ?');
  });

  it('colours what takes a backend out', () => {
    expect(agentTone(view({ state: 'down' }))).toBe('down');
    expect(agentTone(view({ state: 'maint' }))).toBe('disabled');
    expect(agentTone(view({ state: 'drain' }))).toBe('draining');
    expect(agentTone(view({ state: 'ready', weightPercent: 50 }))).toBe('draining');
    expect(agentTone(view({ state: 'ready' }))).toBe('up');
    expect(agentTone(view({ error: 'connect refused' }))).toBe('unknown');
  });

  it('says the reason and that an unreachable agent keeps its last word', () => {
    expect(agentDetail(view({ state: 'drain', reason: 'deploy 42' }))).toBe('deploy 42');
    expect(agentDetail(view({ state: 'drain', reason: 'deploy 42', error: 'connect refused' }))).toBe('deploy 42 · not answering: connect refused (last word stays in force)');
    expect(agentDetail(view({ error: 'timeout waiting for reply' }))).toBe('not answering: timeout waiting for reply');
  });

  it('knows when the agent keeps new connections away', () => {
    expect(agentAdmits(null)).toBe(true);
    expect(agentAdmits(view({ state: 'drain' }))).toBe(false);
    expect(agentAdmits(view({ weightPercent: 0 }))).toBe(false);
    expect(agentAdmits(view({ state: 'up', weightPercent: 50 }))).toBe(true);
  });
});
