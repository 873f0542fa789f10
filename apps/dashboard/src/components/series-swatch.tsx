import type { SeriesStyle } from '../lib/colors.ts';

/** A backend's colour chip, striped when its chart line is dashed (the legend says the same). */
export function SeriesSwatch({ style }: { style: SeriesStyle }) {
  const background = style.dashed ? `repeating-linear-gradient(90deg, ${style.color} 0 3px, transparent 3px 5px)` : style.color;
  return <span className={`series-swatch${style.dashed ? ' is-dashed' : ''}`} style={{ background, borderColor: style.color }} aria-hidden="true" />;
}
