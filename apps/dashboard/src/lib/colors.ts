// Chart series styles. Sixteen colours that never repeat within a service: the first eight are
// Okabe & Ito's colour-blind-safe set (blue lightened for the dark background), drawn solid; the
// next eight are mostly Paul Tol's "light" set, drawn dashed, so a colour-blind viewer who
// cannot tell two colours apart still tells solid from dashed. colors.test.ts checks them under
// simulated protanopia, deuteranopia and tritanopia.

/** One backend's look in the charts, the legend and the table swatch. */
export interface SeriesStyle {
  color: string;
  dashed: boolean;
}

/** Solid series, slots 0–7. */
export const SOLID_PALETTE = ['#56B4E9', '#E69F00', '#009E73', '#F0E442', '#3C8DDC', '#D55E00', '#CC79A7', '#BBBBBB'] as const;
/** Dashed series, slots 8–15. */
export const DASHED_PALETTE = ['#99DDFF', '#EE8866', '#44BB99', '#EEDD88', '#7777DD', '#FFAABB', '#BBCC33', '#AA4499'] as const;
/** Backends per service before a style repeats. */
export const DISTINCT_SERIES = SOLID_PALETTE.length + DASHED_PALETTE.length;
/** The dash pattern of dashed series (SVG stroke-dasharray). */
export const SERIES_DASH = '5 3';

/** The style of a series slot (see series-slots.ts); beyond 16, golden-angle hues, dashed. */
export function seriesStyle(slot: number): SeriesStyle {
  const n = Math.max(0, Math.trunc(slot));
  if (n < SOLID_PALETTE.length) return { color: SOLID_PALETTE[n]!, dashed: false };
  if (n < DISTINCT_SERIES) return { color: DASHED_PALETTE[n - SOLID_PALETTE.length]!, dashed: true };
  return { color: `hsl(${Math.round((n * 137.508) % 360)} 65% 62%)`, dashed: true };
}
