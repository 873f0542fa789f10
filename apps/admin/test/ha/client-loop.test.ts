// The arithmetic behind the printed failover figures (no namespaces needed).
import { describe, expect, it } from 'vitest';
import { failoverFigures, type Attempt } from './client-loop.ts';

const ok = (s: number, ms = 1): Attempt => ({ s, e: s + ms, ok: true });
const failed = (s: number, err = 'ECONNREFUSED', ms = 1): Attempt => ({ s, e: s + ms, ok: false, err });

describe('failoverFigures', () => {
  it('measures from the fault to the answer of the first attempt after which all went well', () => {
    const attempts = [ok(900), ok(980), failed(1005), failed(1025), ok(1045, 1000), failed(1065, 'ECONNRESET'), ok(1085), ok(1105), ok(1125)];
    expect(failoverFigures(attempts, 1000)).toEqual({
      recoveredMs: 86,
      settledMs: 1045,
      failed: 3,
      slow: 1,
      errors: { ECONNREFUSED: 2, ECONNRESET: 1 },
      before: 2,
      failedBefore: 0,
    });
  });

  it('counts an attempt still open at the fault as part of the gap, not as before it', () => {
    const figures = failoverFigures([ok(0), failed(990, 'CLOSED', 20), ok(1020), ok(1040)], 1000);
    expect(figures).toMatchObject({ before: 1, failed: 1, recoveredMs: 21, errors: { CLOSED: 1 } });
  });

  it('reports zero when nothing failed and nothing was slow', () => {
    expect(failoverFigures([ok(990), ok(1010), ok(1030)], 1000)).toMatchObject({ recoveredMs: 11, failed: 0, slow: 0, settledMs: 11 });
  });
});
