import { describe, expect, it } from 'vitest';
import type { BackendDrainedEvent, BackendStateEvent, EngineConfig, EngineStats } from '@fulcrum/engine';
import { BACKEND_DEFAULTS, HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS } from '@fulcrum/engine';
import { EventRelay } from './event-relay.ts';

function cfg(backends: { id: number; port: number; state?: 'enabled' | 'draining' }[]): EngineConfig {
  return {
    services: [{
      id: 1, name: 's', host: '127.0.0.1', port: 6380, ...SERVICE_DEFAULTS, healthCheck: HEALTH_CHECK_DEFAULTS,
      backends: backends.map((b) => ({ ...BACKEND_DEFAULTS, id: b.id, host: '127.0.0.1', port: b.port, state: b.state ?? 'enabled' })),
    }],
  };
}

function setup() {
  const states: BackendStateEvent[] = [];
  const drains: BackendDrainedEvent[] = [];
  const relay = new EventRelay({ backendState: (e) => states.push(e), backendDrained: (e) => drains.push(e) });
  return { relay, states, drains };
}

const stateEvent = (to: 'draining' | 'enabled'): BackendStateEvent => ({
  time: 1, serviceId: 1, serviceName: 's', backendId: 10, address: '127.0.0.1:7001', from: to === 'draining' ? 'enabled' : 'draining', to,
});
const drained = (closedByTimeout: number, removed = false): BackendDrainedEvent => ({
  time: 1, serviceId: 1, serviceName: 's', backendId: 10, address: '127.0.0.1:7001', closedByTimeout, removed,
});
const live = (...ids: number[]) => new Map<number, EngineStats | undefined>(ids.map((id) => [id, undefined]));

describe('EventRelay', () => {
  it('emits a backend-state change once per committed version, however many workers saw it', () => {
    const { relay, states } = setup();
    relay.begin(5);
    relay.backendState(stateEvent('draining'), 5);
    relay.backendState(stateEvent('draining'), 5);
    expect(states).toEqual([]);
    relay.commit(cfg([{ id: 10, port: 7001 }]), cfg([{ id: 10, port: 7001, state: 'draining' }]), live(1, 2));
    expect(states).toHaveLength(1);
  });

  it('drops the state changes of a rolled-back version and of the rollback itself', () => {
    const { relay, states } = setup();
    relay.begin(6);
    relay.backendState(stateEvent('draining'), 6);
    relay.abort();
    relay.backendState(stateEvent('enabled'), 5);
    expect(states).toEqual([]);
  });

  it('reports a drain once every worker that was live has drained, summing closedByTimeout', () => {
    const { relay, drains } = setup();
    relay.begin(2);
    relay.backendDrained(1, drained(0)); // worker 1 had nothing: drained during the apply itself
    relay.commit(cfg([{ id: 10, port: 7001 }]), cfg([{ id: 10, port: 7001, state: 'draining' }]), live(1, 2));
    expect(drains).toEqual([]);
    relay.backendDrained(3, drained(9)); // not live when the drain began: ignored
    relay.backendDrained(2, drained(4));
    expect(drains).toMatchObject([{ backendId: 10, closedByTimeout: 4, removed: false }]);
  });

  it('counts an exited worker as drained', () => {
    const { relay, drains } = setup();
    relay.begin(2);
    relay.commit(cfg([{ id: 10, port: 7001 }]), cfg([]), live(1, 2));
    relay.backendDrained(1, drained(0, true));
    relay.workerGone(2);
    expect(drains).toMatchObject([{ removed: true, closedByTimeout: 0 }]);
  });

  it('forgets a drain that was cancelled by setting the backend back to enabled', () => {
    const { relay, drains } = setup();
    relay.begin(2);
    relay.commit(cfg([{ id: 10, port: 7001 }]), cfg([{ id: 10, port: 7001, state: 'draining' }]), live(1));
    relay.begin(3);
    relay.commit(cfg([{ id: 10, port: 7001, state: 'draining' }]), cfg([{ id: 10, port: 7001 }]), live(1));
    relay.backendDrained(1, drained(0));
    expect(drains).toEqual([]);
  });
});
