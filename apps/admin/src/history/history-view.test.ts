import { describe, expect, it } from 'vitest';
import { planHistory, toSeries } from './history-view.ts';

const DAY = 24 * 60 * 60_000;

describe('planHistory', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 7);
  it.each([
    ['5m', 10_000, 10_000, 30],
    ['1h', 10_000, 10_000, 360],
    ['6h', 60_000, 60_000, 360],
    ['24h', 60_000, 240_000, 360],
    ['7d', 60_000, 1_680_000, 360],
  ] as const)('%s reads resolution %i in steps of %i (%i slots)', (range, res, step, count) => {
    const plan = planHistory(range, now, 10_000, 60_000, DAY);
    expect(plan).toMatchObject({ res, stepMs: step });
    expect(plan.times).toHaveLength(count);
    // Aligned slots ending with the one that holds the newest finished bucket (12:00:00 is still open).
    expect(plan.times.every((t) => t % step === 0)).toBe(true);
    expect(plan.to).toBeGreaterThan(now - 20_000);
    expect(plan.times.at(-1)).toBeLessThanOrEqual(now - 10_000);
  });
});

describe('toSeries', () => {
  it('puts null in every slot without a sampled point, rates per sampled second', () => {
    const plan = { res: 10_000, stepMs: 10_000, times: [0, 10_000, 20_000], from: 0, to: 30_000 };
    const row = { span: 5000, active: 2, newConns: 10, bytesIn: 5000, bytesOut: 0, rejected: 0, failures: 0, up: 1, down: 0 };
    const { service, backends } = toSeries(plan, [{ backendId: 0, slot: 20_000, ...row }, { backendId: 3, slot: 0, ...row }], new Map([[4, '127.0.0.1:9']]));
    expect(service.newPerSec).toEqual([null, null, 2]);
    expect(service.bytesInPerSec).toEqual([null, null, 1000]);
    expect(backends.map((b) => [b.id, b.address, b.active])).toEqual([
      [3, null, [2, null, null]],
      [4, '127.0.0.1:9', [null, null, null]],
    ]);
  });
});
