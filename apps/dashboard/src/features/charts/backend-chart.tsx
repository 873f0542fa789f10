import { memo, useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { seriesColor } from '../../lib/colors.ts';
import { formatClock } from '../../lib/format.ts';
import type { ChartRow, ChartSeries } from './chart-series.ts';
import { chartMax, niceTicks } from './nice-ticks.ts';

export const WINDOW_MS = 5 * 60_000;

interface BackendChartProps {
  title: string;
  description: string;
  testId: string;
  rows: ChartRow[];
  series: ChartSeries[];
  /** Right edge of the time axis (newest point). */
  end: number;
  kind: 'stacked-area' | 'line';
  formatValue: (value: number) => string;
  /** 1024 for byte values, so ticks land on round binary units. */
  tickBase?: 1000 | 1024;
}

const AXIS = { stroke: '#5f6f86', fontSize: 11 };

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
 * One metric over the last five minutes, one series per backend in its fixed colour. Live
 * data: animation off, no dots, and the chart only re-renders when a new 1 s point lands.
 */
export const BackendChart = memo(function BackendChart({ title, description, testId, rows, series, end, kind, formatValue, tickBase = 1000 }: BackendChartProps) {
  const yTicks = useMemo(
    () => niceTicks(chartMax(rows, series.map((s) => s.key), kind === 'stacked-area'), tickBase),
    [rows, series, kind, tickBase],
  );
  const common = {
    data: rows,
    responsive: true,
    style: { width: '100%', height: 190 },
    margin: { top: 6, right: 8, bottom: 0, left: 0 },
  };
  const axes = (
    <>
      <CartesianGrid stroke="#1f2b3b" vertical={false} />
      <XAxis
        dataKey="time"
        type="number"
        scale="time"
        domain={[end - WINDOW_MS, end]}
        allowDataOverflow
        ticks={minuteTicks(end)}
        tickFormatter={shortClock}
        tick={AXIS}
        stroke="#2a384b"
      />
      <YAxis
        tick={AXIS}
        stroke="#2a384b"
        width={60}
        ticks={yTicks}
        domain={[0, yTicks.at(-1) ?? 1]}
        interval={0}
        tickFormatter={(v: number) => formatValue(v)}
      />
      <Tooltip
        isAnimationActive={false}
        contentStyle={{ background: '#111821', border: '1px solid #33445c', borderRadius: 6, fontSize: 12 }}
        labelStyle={{ color: '#8a9ab0' }}
        labelFormatter={(label) => formatClock(Number(label))}
        formatter={(value, name) => [typeof value === 'number' ? formatValue(value) : '—', name]}
      />
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
      ) : kind === 'stacked-area' ? (
        <AreaChart {...common}>
          {axes}
          {series.map((s) => (
            <Area
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stackId="1"
              type="monotone"
              stroke={seriesColor(s.id)}
              fill={seriesColor(s.id)}
              fillOpacity={0.22}
              strokeWidth={1.5}
              dot={false}
              activeDot={false}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      ) : (
        <LineChart {...common}>
          {axes}
          {series.map((s) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.label}
              type="monotone"
              stroke={seriesColor(s.id)}
              strokeWidth={1.6}
              dot={false}
              activeDot={{ r: 3 }}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      )}
    </figure>
  );
});
