// The history file's writes, downsampling and retention, with times given explicitly (no clock).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryDb, openHistoryDb } from './history-db.ts';
import type { HistoryRow } from './history-row.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function open(): { db: HistoryDb; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-history-'));
  dirs.push(dir);
  const file = join(dir, 'history.db');
  return { db: new HistoryDb(openHistoryDb(file)), file };
}

const row = (t: number, over: Partial<HistoryRow> = {}): HistoryRow => ({
  serviceId: 1,
  backendId: 0,
  t,
  span: 10_000,
  active: 2,
  newConns: 10,
  bytesIn: 100,
  bytesOut: 200,
  rejected: 0,
  failures: 0,
  up: 1,
  down: 0,
  ...over,
});

const B = 10_000;
const C = 60_000;

describe('HistoryDb', () => {
  it('writes each bucket at 10 s and merges the buckets of a minute into one coarse point', () => {
    const { db } = open();
    db.write({ t: 0, rows: [row(0, { active: 2 })] }, B, C);
    db.write({ t: 10_000, rows: [row(10_000, { active: 4, up: 0, down: 1 })] }, B, C);
    const fine = db.slots({ serviceId: 1, res: B, from: 0, to: C, stepMs: B });
    expect(fine.map((r) => [r.slot, r.newConns])).toEqual([
      [0, 10],
      [10_000, 10],
    ]);
    const [coarse] = db.slots({ serviceId: 1, res: C, from: 0, to: C, stepMs: C });
    expect(coarse).toMatchObject({ slot: 0, span: 20_000, newConns: 20, bytesOut: 400, active: 3, up: 0.5, down: 0.5 });
  });

  it('merges a bucket written twice (a restart within it) instead of failing', () => {
    const { db } = open();
    db.write({ t: 0, rows: [row(0, { span: 4000, newConns: 4 })] }, B, C);
    db.write({ t: 0, rows: [row(0, { span: 3000, newConns: 3 })] }, B, C);
    expect(db.slots({ serviceId: 1, res: B, from: 0, to: B, stepMs: B })[0]).toMatchObject({ span: 7000, newConns: 7 });
  });

  it('keeps 24 h of fine and 7 days of coarse points, deleting in bounded batches', () => {
    const { db } = open();
    const DAY = 24 * 60 * 60_000;
    // Two days of buckets for two services (one point every 10 s).
    for (let t = 0; t < 2 * DAY; t += B) db.write({ t, rows: [row(t), row(t, { serviceId: 2 })] }, B, C);
    const keep = [
      { res: B, keepMs: DAY },
      { res: C, keepMs: 7 * DAY },
    ];
    const now = 2 * DAY;
    // A bounded pass deletes at most its budget.
    expect(db.retain(now, keep, 1000)).toBe(1000);
    let passes = 1;
    while (db.retain(now, keep, 1000) > 0) passes++;
    expect(passes).toBe(Math.ceil((2 * DAY) / B / 1000)); // 8640 old fine points per service × 2
    const fine = db.slots({ serviceId: 1, res: B, from: 0, to: now, stepMs: B });
    expect(fine).toHaveLength(DAY / B);
    expect(fine[0]?.slot).toBe(DAY);
    expect(db.slots({ serviceId: 2, res: C, from: 0, to: now, stepMs: C })).toHaveLength((2 * DAY) / C);
    // A week later only the coarse points of the last 7 days remain.
    while (db.retain(now + 6 * DAY, keep) > 0);
    const coarse = db.slots({ serviceId: 1, res: C, from: 0, to: now, stepMs: C });
    expect(coarse[0]?.slot).toBe(now + 6 * DAY - 7 * DAY);
    expect(db.slots({ serviceId: 1, res: B, from: 0, to: now, stepMs: B })).toHaveLength(0);
  });

  it('measures the bytes per stored point (reported in docs/DESIGN.md)', () => {
    const { db, file } = open();
    // One day for 1 service + 3 backends with realistic values.
    for (let t = 0; t < 24 * 60 * 60_000; t += B) {
      const rows = [0, 11, 12, 13].map((backendId) =>
        row(t, { backendId, active: 37.4, newConns: 1234, bytesIn: 8_123_456, bytesOut: 65_432_100, failures: 0, up: backendId === 0 ? 3 : 1 }),
      );
      db.write({ t, rows }, B, C);
    }
    db.close();
    const points = 8640 * 4 + 1440 * 4;
    const perPoint = statSync(file).size / points;
    process.stdout.write(`history.db: ${statSync(file).size} bytes for ${points} points = ${perPoint.toFixed(1)} bytes/point\n`);
    expect(perPoint).toBeLessThan(100);
  });
});
