import { describe, expect, it } from 'vitest';
import { maxEjections, mayEject } from './ejection-cap.ts';

describe('maxEjectionPercent', () => {
  it('allows floor(total × percent / 100) ejected backends, at least one', () => {
    expect(maxEjections(4, 50)).toBe(2);
    expect(maxEjections(3, 50)).toBe(1);
    expect(maxEjections(10, 50)).toBe(5);
    expect(maxEjections(1, 50)).toBe(1);
    expect(maxEjections(4, 0)).toBe(1);
    expect(maxEjections(4, 100)).toBe(4);
    expect(maxEjections(0, 50)).toBe(1);
  });

  it('refuses one more once the allowed number is ejected (strict: never above the share, unlike Envoy 2 of 3)', () => {
    expect(mayEject(0, 4, 50)).toBe(true);
    expect(mayEject(1, 4, 50)).toBe(true);
    expect(mayEject(2, 4, 50)).toBe(false);
    expect(mayEject(1, 3, 50)).toBe(false);
    expect(mayEject(0, 1, 50)).toBe(true);
    expect(mayEject(3, 4, 100)).toBe(true);
  });
});
