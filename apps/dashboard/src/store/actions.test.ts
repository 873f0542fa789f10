import { beforeEach, describe, expect, it } from 'vitest';
import type { ServiceDto, StatsDto } from '@fulcrum/shared/api';
import { useAppStore } from './app-store.ts';
import { sessionAuthenticated, sessionEnded, setChartsPaused, setServices, statsReceived } from './actions.ts';

function stats(time: number, active: number): StatsDto {
  return {
    time,
    services: [
      {
        id: 1,
        name: 's',
        listen: ':1',
        active,
        total: 0,
        rejected: 0,
        queued: 0,
        bytesIn: 0,
        bytesOut: 0,
        backends: [],
      },
    ],
  };
}

beforeEach(() => sessionEnded());

describe('store actions', () => {
  it('folds a stats stream into latest sample and bounded history', () => {
    for (let i = 0; i < 4; i++) statsReceived(stats(i * 500, i));
    const state = useAppStore.getState();
    expect(state.latest?.services[0]?.active).toBe(3);
    expect(state.history.toArray().map((p) => p.time)).toEqual([0, 1000]);
  });

  it('drops every piece of data when the session ends', () => {
    sessionAuthenticated('admin');
    setServices([{ id: 1, version: 1, backends: [] } as unknown as ServiceDto]);
    statsReceived(stats(1, 1));
    sessionEnded('Your session expired.');
    const state = useAppStore.getState();
    expect(state.services).toEqual([]);
    expect(state.latest).toBeNull();
    expect(state.history.size).toBe(0);
    expect(state.session).toEqual({ status: 'anonymous', actor: null, notice: 'Your session expired.' });
  });
});

describe('chart pause', () => {
  it('freezes the shown history while recording continues', () => {
    statsReceived(stats(0, 1));
    setChartsPaused(true);
    statsReceived(stats(1000, 2));
    statsReceived(stats(2000, 3));
    const state = useAppStore.getState();
    expect(state.frozenHistory?.map((p) => p.time)).toEqual([0]);
    expect(state.history.toArray().map((p) => p.time)).toEqual([0, 1000, 2000]);
    setChartsPaused(false);
    expect(useAppStore.getState().frozenHistory).toBeNull();
  });
});
