// Chart series styles. Sixteen colours that never repeat within a service, in two palettes, one
// per theme. Dark: the first eight are Okabe & Ito's colour-blind-safe set (blue lightened for the
// dark background), drawn solid; the next eight mostly Paul Tol's "light" set, drawn dashed. Light:
// darker colours chosen by the same measure (every colour at least 3:1 against the white panel,
// each set of eight clearly apart under simulated protanopia, deuteranopia and tritanopia), starting
// from Okabe & Ito's blue, vermillion and reddish purple. A colour-blind viewer who cannot tell two
// colours apart still tells solid from dashed. colors.test.ts checks both palettes.
import type { Theme } from './theme.ts';

/** One backend's look in the charts, the legend and the table swatch. */
export interface SeriesStyle {
  color: string;
  dashed: boolean;
}

/** Solid series, slots 0–7 (dark theme). */
export const SOLID_PALETTE = ['#56B4E9', '#E69F00', '#009E73', '#F0E442', '#3C8DDC', '#D55E00', '#CC79A7', '#BBBBBB'] as const;
/** Dashed series, slots 8–15 (dark theme). */
export const DASHED_PALETTE = ['#99DDFF', '#EE8866', '#44BB99', '#EEDD88', '#7777DD', '#FFAABB', '#BBCC33', '#AA4499'] as const;
/** Solid series, slots 0–7 (light theme). */
export const LIGHT_SOLID_PALETTE = ['#0072B2', '#D55E00', '#A8467D', '#7314D9', '#8C7354', '#335414', '#7354D9', '#BF1433'] as const;
/** Dashed series, slots 8–15 (light theme). */
export const LIGHT_DASHED_PALETTE = ['#D914BF', '#148C14', '#BF7373', '#735473', '#8C3333', '#1433D9', '#8C148C', '#A673A6'] as const;

/** Each theme's solid and dashed palettes. */
export const PALETTES: Readonly<Record<Theme, { solid: readonly string[]; dashed: readonly string[] }>> = {
  dark: { solid: SOLID_PALETTE, dashed: DASHED_PALETTE },
  light: { solid: LIGHT_SOLID_PALETTE, dashed: LIGHT_DASHED_PALETTE },
};
/** Backends per service before a style repeats. */
export const DISTINCT_SERIES = SOLID_PALETTE.length + DASHED_PALETTE.length;
/** The dash pattern of dashed series (SVG stroke-dasharray). */
export const SERIES_DASH = '5 3';

/** The style of a series slot (see series-slots.ts) in a theme; beyond 16, golden-angle hues, dashed. */
export function seriesStyle(slot: number, theme: Theme = 'dark'): SeriesStyle {
  const { solid, dashed } = PALETTES[theme];
  const n = Math.max(0, Math.trunc(slot));
  if (n < solid.length) return { color: solid[n]!, dashed: false };
  if (n < DISTINCT_SERIES) return { color: dashed[n - solid.length]!, dashed: true };
  return { color: `hsl(${Math.round((n * 137.508) % 360)} 65% ${theme === 'dark' ? 62 : 38}%)`, dashed: true };
}
