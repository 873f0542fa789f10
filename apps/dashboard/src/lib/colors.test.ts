import { describe, expect, it } from 'vitest';
import { seriesColor } from './colors.ts';

describe('seriesColor', () => {
  it('is stable for an id', () => {
    expect(seriesColor(3)).toBe(seriesColor(3));
    expect(seriesColor(42)).toBe(seriesColor(42));
  });
  it('gives the first ten ids distinct colours', () => {
    const colours = new Set(Array.from({ length: 10 }, (_, i) => seriesColor(i + 1)));
    expect(colours.size).toBe(10);
  });
  it('does not depend on other backends', () => {
    const before = seriesColor(5);
    seriesColor(1);
    seriesColor(99);
    expect(seriesColor(5)).toBe(before);
  });
  it('keeps later ids apart from the palette colours', () => {
    expect(seriesColor(11)).not.toBe(seriesColor(1));
    expect(seriesColor(11)).toMatch(/^hsl\(/);
  });
});
