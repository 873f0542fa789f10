import { noRejections } from '@fulcrum/shared/enums';
import { describe, expect, it } from 'vitest';
import type { StatsDto } from '@fulcrum/shared/api';
import { BucketAccumulator } from './bucket-accumulator.ts';

/** A sample of one service (id 1) with one backend (id 7). */
function stats(time: number, c: { total: number; bytesIn?: number; active?: number; rejected?: number; failures?: number; health?: 'up' | 'down' | 'unknown' }): StatsDto {
  return {
    time,
    services: [
      {
        id: 1,
        name: 's',
        listen: '127.0.0.1:1',
        active: c.active ?? 0,
        total: c.total,
        rejected: c.rejected ?? 0,
        rejectedByReason: noRejections(),
        queued: 0,
        bytesIn: c.bytesIn ?? 0,
        bytesOut: 0,
        backends: [
          {
            id: 7,
            address: '127.0.0.1:2',
            state: 'enabled',
            health: c.health ?? 'up',
            agent: null,
            failureRate: 0,
            check: null,
            removed: false,
            weight: 1,
            effectiveWeight: 1,
            active: c.active ?? 0,
            total: c.total,
            bytesIn: c.bytesIn ?? 0,
            bytesOut: 0,
            connectFailures: c.failures ?? 0,
            connectTimeMs: 0,
            closedByLifetime: 0,
            closedByRebalance: 0,
          },
        ],
      },
    ],
  };
}

describe('BucketAccumulator', () => {
  it('turns cumulative counters into per-bucket increases and means, closing a bucket at the first sample of the next', () => {
    const acc = new BucketAccumulator({ bucketMs: 10_000, sampleMs: 1000 });
    expect(acc.add(stats(100_000, { total: 50, bytesIn: 1000 }))).toBeUndefined(); // baseline
    expect(acc.add(stats(101_000, { total: 53, bytesIn: 1300, active: 2 }))).toBeUndefined();
    expect(acc.add(stats(102_000, { total: 55, bytesIn: 1500, active: 4, health: 'down', failures: 1 }))).toBeUndefined();
    const closed = acc.add(stats(110_000, { total: 60, active: 1, bytesIn: 1500 }));
    expect(closed?.t).toBe(100_000);
    const service = closed!.rows.find((r) => r.backendId === 0)!;
    expect(service).toMatchObject({ serviceId: 1, t: 100_000, span: 3000, newConns: 5, bytesIn: 500, failures: 1, active: 2 });
    expect(service.up).toBeCloseTo(2 / 3);
    expect(service.down).toBeCloseTo(1 / 3);
    const backend = closed!.rows.find((r) => r.backendId === 7)!;
    expect(backend).toMatchObject({ newConns: 5, failures: 1, rejected: 0 });
    // The next bucket starts from the last counters, not from zero.
    expect(acc.flush()?.rows.find((r) => r.backendId === 0)).toMatchObject({ t: 110_000, newConns: 5, span: 1000 });
  });

  it('measures the span from the sample times (5 samples 2.5 s apart cover the bucket), so late ticks do not inflate rates', () => {
    const acc = new BucketAccumulator({ bucketMs: 10_000, sampleMs: 1000 });
    for (const t of [0, 2500, 5000, 7500, 9000]) acc.add(stats(t, { total: t / 100 }));
    expect(acc.flush()?.rows[0]).toMatchObject({ span: 10_000, newConns: 90 });
  });

  it('takes a counter that went down as reset: the new value is the increase', () => {
    const acc = new BucketAccumulator({ bucketMs: 10_000, sampleMs: 1000 });
    acc.add(stats(0, { total: 100 }));
    acc.add(stats(1000, { total: 4 }));
    expect(acc.flush()?.rows[0]).toMatchObject({ newConns: 4 });
  });

  it('records at most maxSeries series and counts the rest', () => {
    const acc = new BucketAccumulator({ bucketMs: 10_000, sampleMs: 1000, maxSeries: 1 });
    acc.add(stats(0, { total: 1 }));
    acc.add(stats(1000, { total: 2 }));
    expect(acc.flush()?.rows).toHaveLength(1);
    expect(acc.droppedSeries).toBe(2);
  });
});
