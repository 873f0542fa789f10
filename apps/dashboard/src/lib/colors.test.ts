import { describe, expect, it } from 'vitest';
import { DISTINCT_SERIES, PALETTES, seriesStyle } from './colors.ts';
import type { Theme } from './theme.ts';

// sRGB → CIELAB (D65) and Machado et al. (2009) colour-vision-deficiency simulation at full
// severity, so "distinguishable for colour-blind viewers" is a number, not a hope.
type Rgb = [number, number, number];
const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const toSrgb = (c: number) => {
  const v = Math.min(1, Math.max(0, c));
  return v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
};
function parse(hex: string): Rgb {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as Rgb;
}
function lab([r, g, b]: Rgb): Rgb {
  const [lr, lg, lb] = [toLinear(r), toLinear(g), toLinear(b)];
  const x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047;
  const y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
  const z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}
const CVD: Record<string, number[][]> = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};
function simulate(rgb: Rgb, m: number[][]): Rgb {
  const lin = rgb.map(toLinear);
  return m.map((row) => toSrgb(row[0]! * lin[0]! + row[1]! * lin[1]! + row[2]! * lin[2]!)) as Rgb;
}
function deltaE(a: Rgb, b: Rgb): number {
  const [la, lb] = [lab(a), lab(b)];
  return Math.hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
}
function minPairDistance(colours: readonly string[], view: (c: Rgb) => Rgb = (c) => c): number {
  let min = Infinity;
  for (let i = 0; i < colours.length; i++) for (let j = i + 1; j < colours.length; j++) min = Math.min(min, deltaE(view(parse(colours[i]!)), view(parse(colours[j]!))));
  return min;
}
function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map(toLinear) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** ΔE*ab above ~10 reads as clearly different colours side by side. */
const CLEARLY_DIFFERENT = 12;

/** The panel each theme draws its charts on (tokens.css --panel). */
const PANEL: Record<Theme, string> = { dark: '#141c27', light: '#ffffff' };

describe.each(['dark', 'light'] as const)('series palette, %s theme', (theme) => {
  const styles = Array.from({ length: DISTINCT_SERIES }, (_, slot) => seriesStyle(slot, theme));
  const { solid, dashed } = PALETTES[theme];

  it('has 16 distinct styles: 16 different colours, 8 solid and 8 dashed', () => {
    expect(DISTINCT_SERIES).toBe(16);
    expect(new Set(styles.map((s) => s.color)).size).toBe(16);
    expect(styles.filter((s) => s.dashed)).toHaveLength(8);
  });

  it('keeps all 16 clearly apart for normal colour vision', () => {
    expect(minPairDistance(styles.map((s) => s.color))).toBeGreaterThan(CLEARLY_DIFFERENT);
  });

  it.each(Object.keys(CVD))('keeps each line style clearly apart under %s', (kind) => {
    const view = (c: Rgb) => simulate(c, CVD[kind]!);
    expect(minPairDistance(solid, view)).toBeGreaterThan(CLEARLY_DIFFERENT);
    expect(minPairDistance(dashed, view)).toBeGreaterThan(CLEARLY_DIFFERENT);
  });

  it('stands out from the panel background (≥ 3:1, WCAG non-text contrast)', () => {
    const panel = luminance(parse(PANEL[theme]));
    const ratio = (color: string) => {
      const [hi, lo] = [luminance(parse(color)), panel].sort((a, b) => b - a) as [number, number];
      return (hi + 0.05) / (lo + 0.05);
    };
    for (const { color } of styles) expect(ratio(color), color).toBeGreaterThanOrEqual(3);
  });

  it('goes on with distinct hues, dashed, beyond 16', () => {
    expect(seriesStyle(16, theme)).toMatchObject({ dashed: true });
    expect(seriesStyle(16, theme).color).not.toBe(seriesStyle(17, theme).color);
  });
});
