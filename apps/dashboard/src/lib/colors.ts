// Chart series colours. A backend keeps its colour for its whole life (keyed by its id, not by
// its position in a list), so removing one backend never repaints the others.

const PALETTE = [
  '#4fb3ff', // blue
  '#37d39a', // green
  '#f7b731', // amber
  '#c387ff', // violet
  '#ff7a8a', // rose
  '#2ed3d3', // teal
  '#ff9f43', // orange
  '#9ccc65', // lime
  '#f78fb3', // pink
  '#8fa7ff', // periwinkle
] as const;

/** A stable colour for a backend id: the palette first, then golden-angle hues. */
export function seriesColor(id: number): string {
  const n = Math.abs(Math.trunc(id));
  // ids start at 1 in the admin's SQLite store; spread them over the palette in order.
  const index = (n + PALETTE.length - 1) % PALETTE.length;
  const round = Math.floor((n - 1) / PALETTE.length);
  if (round <= 0) return PALETTE[index] ?? PALETTE[0];
  const hue = Math.round((n * 137.508) % 360);
  return `hsl(${hue} 70% 62%)`;
}
