import { describe, expect, it } from 'vitest';
import type { RebalanceEndedEvent, RebalanceStartedEvent } from '@fulcrum/engine';
import { RebalanceRelay } from './rebalance-relay.ts';

const base = { time: 1, serviceId: 1, backendId: 2, address: '127.0.0.1:7001', rebalanceId: 5 };
const started = (connections: number): RebalanceStartedEvent => ({ ...base, windowMs: 1000, connections });
const ended = (closed: number, outcome: RebalanceEndedEvent['outcome'] = 'done'): RebalanceEndedEvent => ({ ...base, closed, outcome });

function relay() {
  const out: string[] = [];
  const r = new RebalanceRelay({
    started: (e) => out.push(`started ${e.connections}`),
    ended: (e) => out.push(`ended ${e.closed} ${e.outcome}`),
  });
  return { r, out };
}

describe('RebalanceRelay', () => {
  it('emits one start and one end for all workers, counts summed', () => {
    const { r, out } = relay();
    r.begin(5, [1, 2]);
    r.started(1, started(3));
    r.ended(1, ended(3));
    expect(out).toEqual([]);
    r.started(2, started(4));
    expect(out).toEqual(['started 7']);
    r.ended(2, ended(4));
    expect(out).toEqual(['started 7', 'ended 7 done']);
    // Late or repeated reports change nothing.
    r.ended(2, ended(4));
    expect(out).toHaveLength(2);
  });

  it('an outcome other than done wins; an exited worker counts as started and ended', () => {
    const { r, out } = relay();
    r.begin(5, [1, 2, 3]);
    r.started(1, started(1));
    r.started(2, started(2));
    r.ended(1, ended(1, 'cancelled'));
    r.ended(2, ended(0));
    r.workerGone(3);
    expect(out).toEqual(['started 3', 'ended 1 cancelled']);
  });

  it('ignores reports of rebalances it did not send', () => {
    const { r, out } = relay();
    r.started(1, started(1));
    r.ended(1, ended(1));
    expect(out).toEqual([]);
  });
});
