import { memo, useMemo } from 'react';
import { AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { SeriesStyle } from '../../lib/colors.ts';
import { formatClock } from '../../lib/format.ts';
import type { ChartRow, ChartSeries } from './chart-series.ts';
import { chartMax, niceTicks } from './nice-ticks.ts';
import { ChartTooltip } from './chart-tooltip.tsx';
import { stackedAreas, styleOfKey } from './stacked-areas.tsx';

export const WINDOW_MS = 5 * 60_000;

interface BackendChartProps {
  title: string;
  description: string;
  testId: string;
  rows: ChartRow[];
  series: ChartSeries[];
  /** Backend id → colour and dash, shared with the legend and the table. */
  styles: ReadonlyMap<number, SeriesStyle>;
  /** Right edge of the time axis (newest point). */
  end: number;
  formatValue: (value: number) => string;
  /** 1024 for byte values, so ticks land on round binary units. */
  tickBase?: 1000 | 1024;
}

// Colours come from the theme's custom properties in charts.css (recharts-* classes).
const AXIS = { fontSize: 11 };

function minuteTicks(end: number): number[] {
  const start = end - WINDOW_MS;
  const first = Math.ceil(start / 60_000) * 60_000;
  const ticks: number[] = [];
  for (let t = first; t <= end; t += 60_000) ticks.push(t);
  return ticks;
}

function shortClock(t: number): string {
  return formatClock(t).slice(0, 5);
}

/**
 * One metric over the last five minutes, one stacked band per backend in its fixed style, so
 * equal values never hide each other. Live data: animation off, no dots, and the chart only
 * re-renders when a new 1 s point lands. Null rows (an outage) break every band: connectNulls
 * is off, so nothing is drawn across a time without data.
 */
export const BackendChart = memo(function BackendChart({ title, description, testId, rows, series, styles, end, formatValue, tickBase = 1000 }: BackendChartProps) {
  const yTicks = useMemo(
    () => niceTicks(chartMax(rows, series.map((s) => s.key), true), tickBase),
    [rows, series, tickBase],
  );
  const styleOf = (key: string): SeriesStyle => styleOfKey(series, styles, key);
  const common = {
    data: rows,
    responsive: true,
    style: { width: '100%', height: 190 },
    margin: { top: 6, right: 8, bottom: 0, left: 0 },
  };
  const axes = (
    <>
      <CartesianGrid vertical={false} />
      <XAxis
        dataKey="time"
        type="number"
        scale="time"
        domain={[end - WINDOW_MS, end]}
        allowDataOverflow
        ticks={minuteTicks(end)}
        tickFormatter={shortClock}
        tick={AXIS}
      />
      <YAxis
        tick={AXIS}
        width={60}
        ticks={yTicks}
        domain={[0, yTicks.at(-1) ?? 1]}
        interval={0}
        tickFormatter={(v: number) => formatValue(v)}
      />
      <Tooltip isAnimationActive={false} content={<ChartTooltip formatValue={formatValue} styleOf={styleOf} />} />
    </>
  );

  return (
    <figure className="chart" data-testid={testId} aria-label={`${title}: ${description}`}>
      <figcaption className="chart-title">
        <span>{title}</span>
        <span className="chart-desc">{description}</span>
      </figcaption>
      {rows.length === 0 ? (
        <div className="chart-empty muted">Waiting for data…</div>
      ) : (
        // Keyed by the series shown: recharts stacks in mount order, so a backend shown again
        // after the legend hid it would otherwise land on top instead of in id order.
        <AreaChart key={series.map((s) => s.key).join(',')} {...common}>
          {axes}
          {stackedAreas(series, styles, 'monotone')}
        </AreaChart>
      )}
    </figure>
  );
});
