import { describe, expect, it } from 'vitest';
import { createPowerOfTwo } from './power-of-two.ts';
import { countPicks, fakeBackend, fakeBackends, seededRandom } from './test-fixtures.ts';

describe('power-of-two', () => {
  it('follows weights 5:3:2 within ±3 points over 10 000 picks (equal load)', () => {
    const s = createPowerOfTwo({ options: {}, random: seededRandom(11) });
    s.update(fakeBackends([5, 3, 2]));
    const counts = countPicks(s, 10_000);
    expect(Math.abs((counts.get('b0') ?? 0) / 10_000 - 0.5)).toBeLessThan(0.03);
    expect(Math.abs((counts.get('b1') ?? 0) / 10_000 - 0.3)).toBeLessThan(0.03);
    expect(Math.abs((counts.get('b2') ?? 0) / 10_000 - 0.2)).toBeLessThan(0.03);
  });

  it('follows weights 5:3:2 within ±3 points while connections are held', () => {
    const s = createPowerOfTwo({ options: {}, random: seededRandom(12) });
    const backends = fakeBackends([5, 3, 2]);
    s.update(backends);
    countPicks(s, 10_000, true);
    expect(Math.abs(backends[0]!.active / 10_000 - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(backends[1]!.active / 10_000 - 0.3)).toBeLessThan(0.03);
    expect(Math.abs(backends[2]!.active / 10_000 - 0.2)).toBeLessThan(0.03);
  });

  it('makes two independent choices: a loaded backend wins only when drawn twice (25% of 2)', () => {
    const loaded = fakeBackend('loaded', { active: 100 });
    const idle = fakeBackend('idle');
    const s = createPowerOfTwo({ options: {}, random: seededRandom(13) });
    s.update([loaded, idle]);
    const share = (countPicks(s, 10_000).get('loaded') ?? 0) / 10_000;
    expect(Math.abs(share - 0.25)).toBeLessThan(0.03);
  });

  it('compares load per unit of weight', () => {
    // heavy: 30/10 = 3 per weight beats light: 5/1 = 5 whenever both are drawn.
    const heavy = fakeBackend('heavy', { weight: 10, active: 30 });
    const light = fakeBackend('light', { weight: 1, active: 5 });
    const s = createPowerOfTwo({ options: {}, random: seededRandom(14) });
    s.update([heavy, light]);
    // light wins only when drawn twice: (1/11)² ≈ 0.8%.
    expect((countPicks(s, 10_000).get('light') ?? 0) / 10_000).toBeLessThan(0.02);
  });
});
