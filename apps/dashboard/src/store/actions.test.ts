import { noRejections } from '@fulcrum/shared/enums';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ServiceDto, StatsDto } from '@fulcrum/shared/api';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { useAppStore } from './app-store.ts';
import { WHOLE_CLUSTER } from './ui-slice.ts';
import {
  backendChanged,
  clusterFetched,
  clusterPushed,
  selectService,
  serviceDeleted,
  sessionAuthenticated,
  sessionEnded,
  setChartsPaused,
  setNodeScope,
  setServices,
  showView,
  statsReceived,
} from './actions.ts';

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
        rejectedByReason: noRejections(),
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

describe('cluster and main view', () => {
  const cluster = (version: number, states: Array<'in-step' | 'behind'>): ClusterDto => ({
    version,
    store: 'postgres',
    storeError: null,
    nodes: states.map((state, i) => ({
      name: `n${i}`,
      adminUrl: `http://n${i}:8080`,
      listenHost: null,
      appliedVersion: state === 'behind' ? version - 1 : version,
      state,
      lastApplyError: null,
      lastSeen: '2026-11-30T09:00:00.000Z',
      uptimeMs: 1,
      activeConnections: 0,
      lag: state === 'behind' ? 1 : 0,
      self: i === 0,
      stats: null,
    })),
  });

  it('follows pushes, and drops a fetched answer that a push overtook', () => {
    const asked = useAppStore.getState().clusterPushes;
    clusterPushed(cluster(4, ['in-step', 'behind']));
    clusterFetched(cluster(3, ['in-step', 'in-step']), asked);
    expect(useAppStore.getState().cluster?.version).toBe(4);
    clusterFetched(cluster(4, ['in-step', 'in-step']), useAppStore.getState().clusterPushes);
    expect(useAppStore.getState().cluster?.nodes.map((n) => n.state)).toEqual(['in-step', 'in-step']);
    sessionEnded();
    expect(useAppStore.getState().cluster).toBeNull();
  });

  it('lands on the overview; selecting a service opens it; deleting that service returns to the overview', () => {
    expect(useAppStore.getState().view).toBe('overview');
    setServices([{ id: 1, version: 1, backends: [] } as unknown as ServiceDto, { id: 2, version: 1, backends: [] } as unknown as ServiceDto]);
    expect(useAppStore.getState().view).toBe('overview');
    selectService(2);
    expect(useAppStore.getState()).toMatchObject({ view: 'service', selectedServiceId: 2 });
    serviceDeleted(1);
    expect(useAppStore.getState()).toMatchObject({ view: 'service', selectedServiceId: 2 });
    serviceDeleted(2);
    expect(useAppStore.getState().view).toBe('overview');
  });

  it('opens the cluster view, and selecting a service leaves it', () => {
    setServices([{ id: 1, version: 1, backends: [] } as unknown as ServiceDto]);
    showView('cluster');
    expect(useAppStore.getState().view).toBe('cluster');
    selectService(1);
    expect(useAppStore.getState()).toMatchObject({ view: 'service', selectedServiceId: 1 });
  });

  it('one node scope for the overview and the charts: kept across views, reset with the session', () => {
    expect(useAppStore.getState().nodeScope).toBe(WHOLE_CLUSTER);
    setNodeScope('n1');
    setServices([{ id: 1, version: 1, backends: [] } as unknown as ServiceDto]);
    selectService(1);
    showView('overview');
    expect(useAppStore.getState().nodeScope).toBe('n1');
    sessionEnded();
    expect(useAppStore.getState().nodeScope).toBe(WHOLE_CLUSTER);
  });

  it("records each node's heartbeats as chart points; a pause freezes them too", () => {
    const withStats = (time: number): ClusterDto => {
      const c = cluster(4, ['in-step', 'in-step']);
      return { ...c, nodes: c.nodes.map((n) => ({ ...n, stats: { time, services: [] } })) };
    };
    clusterPushed(withStats(1000));
    setChartsPaused(true);
    clusterPushed(withStats(2000));
    const state = useAppStore.getState();
    expect(state.nodeHistory.n1?.map((p) => p.time)).toEqual([1000, 2000]);
    expect(state.frozenNodeHistory?.n1?.map((p) => p.time)).toEqual([1000]);
    setChartsPaused(false);
    expect(useAppStore.getState().frozenNodeHistory).toBeNull();
  });

  it('keeps the cluster view open while another node changes the configuration', () => {
    setServices([{ id: 1, version: 1, backends: [] } as unknown as ServiceDto]);
    showView('cluster');
    setServices([{ id: 2, version: 1, backends: [] } as unknown as ServiceDto]);
    expect(useAppStore.getState()).toMatchObject({ view: 'cluster', selectedServiceId: 2 });
  });
});

describe('change answers and snapshots from elsewhere', () => {
  const backend = (weight: number) => ({ id: 7, serviceId: 1, address: '10.0.0.7:1', weight, state: 'enabled', backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null }) as const;
  const serviceWith = (weight: number) => ({ id: 1, version: 3, backends: [backend(weight)] }) as unknown as ServiceDto;

  it("applies a backend change's answer when nothing overtook it", async () => {
    setServices([serviceWith(1)]);
    await backendChanged(async () => backend(5));
    expect(useAppStore.getState().services[0]?.backends[0]?.weight).toBe(5);
  });

  it('never lets the answer undo a newer change pushed from another node meanwhile', async () => {
    setServices([serviceWith(1)]);
    await backendChanged(async () => {
      // While this browser's request is in flight, another node sets the weight to 7 and the push arrives.
      setServices([{ ...serviceWith(7), version: 5 }]);
      return backend(5);
    });
    expect(useAppStore.getState().services[0]?.backends[0]?.weight).toBe(7);
  });
});
