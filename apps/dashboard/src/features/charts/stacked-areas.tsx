// The bands of a stacked chart, one per backend in its fixed style: shared by the live charts
// (backend-chart.tsx) and the stored-history charts (history-chart.tsx), so both look alike.
import { Area } from 'recharts';
import { SERIES_DASH, type SeriesStyle } from '../../lib/colors.ts';
import type { ChartSeries } from './chart-series.ts';
import { FALLBACK_STYLE } from './use-series-styles.ts';

/**
 * One stacked <Area> per series (recharts wants them as direct children, hence a function, not a
 * component). No animation, no dots; nulls break the bands (connectNulls off).
 */
export function stackedAreas(series: readonly ChartSeries[], styles: ReadonlyMap<number, SeriesStyle>, curve: 'monotone' | 'linear') {
  return series.map((s) => {
    const style = styles.get(s.id) ?? FALLBACK_STYLE;
    return (
      <Area
        key={s.key}
        dataKey={s.key}
        name={s.label}
        stackId="1"
        type={curve}
        stroke={style.color}
        strokeDasharray={style.dashed ? SERIES_DASH : undefined}
        fill={style.color}
        fillOpacity={0.22}
        strokeWidth={1.5}
        connectNulls={false}
        dot={false}
        activeDot={false}
        isAnimationActive={false}
      />
    );
  });
}

/** The style of the series drawn under `key` (for the tooltip's swatches). */
export function styleOfKey(series: readonly ChartSeries[], styles: ReadonlyMap<number, SeriesStyle>, key: string): SeriesStyle {
  return styles.get(series.find((s) => s.key === key)?.id ?? -1) ?? FALLBACK_STYLE;
}
