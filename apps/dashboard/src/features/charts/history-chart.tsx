import { memo, useMemo } from 'react';
import { AreaChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { HistoryMarkDto } from '@fulcrum/shared/history';
import type { SeriesStyle } from '../../lib/colors.ts';
import { formatClock } from '../../lib/format.ts';
import type { ChartRow, ChartSeries } from './chart-series.ts';
import { timeTicks, tickSpacing } from './history-rows.ts';
import { chartMax, niceTicks } from './nice-ticks.ts';
import { ChartTooltip } from './chart-tooltip.tsx';
import { stackedAreas, styleOfKey } from './stacked-areas.tsx';

interface HistoryChartProps {
  title: string;
  description: string;
  testId: string;
  rows: ChartRow[];
  series: ChartSeries[];
  styles: ReadonlyMap<number, SeriesStyle>;
  /** Time axis: [start, end]. */
  start: number;
  end: number;
  marks: readonly HistoryMarkDto[];
  /** Only one chart's marks are in the tab order (the same events are on every chart). */
  marksFocusable: boolean;
  selectedMark: number | null;
  onMark: (mark: HistoryMarkDto) => void;
  formatValue: (value: number) => string;
  tickBase?: 1000 | 1024;
}

// Axis, grid and tooltip colours come from the theme (charts.css), as in the live charts.
const AXIS = { fontSize: 11 };

/** A mark's colour: health down red, up green, any other transition grey, a config change amber. */
export function markColor(mark: HistoryMarkDto): string {
  if (mark.kind !== 'backend-health') return '#f5a524';
  if (mark.health === 'down') return '#f2555a';
  if (mark.health === 'up') return '#3ecf8e';
  return '#8a9ab0';
}

/** What a mark says to a screen reader and in its tooltip. */
export function markLabel(mark: HistoryMarkDto): string {
  return `${formatClock(mark.time)} ${mark.kind}: ${mark.message}`;
}

/** The plot area's horizontal insets: the Y axis width on the left, the chart margin on the right. */
const PLOT_LEFT = 60;
const PLOT_RIGHT = 8;

interface FlagsProps {
  marks: readonly HistoryMarkDto[];
  start: number;
  end: number;
  focusable: boolean;
  selectedMark: number | null;
  onMark: (mark: HistoryMarkDto) => void;
}

/**
 * The marks' flags: real buttons laid over the top of the plot area at each event's time, so a
 * click, Enter or Space opens the event and focus survives the chart's re-renders.
 */
function MarkFlags({ marks, start, end, focusable, selectedMark, onMark }: FlagsProps) {
  const span = Math.max(1, end - start);
  return (
    <div className="chart-marks" style={{ left: PLOT_LEFT, right: PLOT_RIGHT }}>
      {marks.map((mark) => {
        const at = (Date.parse(mark.time) - start) / span;
        if (!(at >= 0 && at <= 1)) return null;
        return (
          <button
            key={mark.id}
            type="button"
            className={`chart-mark${mark.id === selectedMark ? ' is-selected' : ''}`}
            style={{ left: `${at * 100}%`, borderTopColor: markColor(mark) }}
            tabIndex={focusable ? 0 : -1}
            aria-label={markLabel(mark)}
            aria-pressed={mark.id === selectedMark}
            title={markLabel(mark)}
            data-testid={`mark-${mark.id}`}
            onClick={() => onMark(mark)}
          />
        );
      })}
    </div>
  );
}

/**
 * One metric over a stored range, stacked per backend like the live charts. Null slots (the admin
 * was not running) break every band (connectNulls off). Marks are dashed vertical lines with a
 * flag (a button) on top.
 */
export const HistoryChart = memo(function HistoryChart(props: HistoryChartProps) {
  const { title, description, testId, rows, series, styles, start, end, marks, marksFocusable, selectedMark, onMark, formatValue, tickBase = 1000 } = props;
  const yTicks = useMemo(() => niceTicks(chartMax(rows, series.map((s) => s.key), true), tickBase), [rows, series, tickBase]);
  const spacing = tickSpacing(end - start);
  const clock = (t: number) => formatClock(t).slice(0, 5);
  return (
    <figure className="chart" data-testid={testId} aria-label={`${title}: ${description}`}>
      <figcaption className="chart-title">
        <span>{title}</span>
        <span className="chart-desc">{description}</span>
      </figcaption>
      <div className="chart-plot">
        <AreaChart
          key={series.map((s) => s.key).join(',')}
          data={rows}
          responsive
          style={{ width: '100%', height: 190 }}
          margin={{ top: 10, right: PLOT_RIGHT, bottom: 0, left: 0 }}
          accessibilityLayer={false}
        >
          <CartesianGrid vertical={false} />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={[start, end]}
            allowDataOverflow
            ticks={timeTicks(start, end, spacing)}
            tickFormatter={clock}
            tick={AXIS}
          />
          <YAxis tick={AXIS} width={PLOT_LEFT} ticks={yTicks} domain={[0, yTicks.at(-1) ?? 1]} interval={0} tickFormatter={(v: number) => formatValue(v)} />
          <Tooltip isAnimationActive={false} content={<ChartTooltip formatValue={formatValue} styleOf={(key) => styleOfKey(series, styles, key)} />} />
          {stackedAreas(series, styles, 'linear')}
          {marks.map((mark) => (
            <ReferenceLine
              key={mark.id}
              x={Date.parse(mark.time)}
              stroke={markColor(mark)}
              strokeDasharray="3 3"
              strokeWidth={mark.id === selectedMark ? 2 : 1}
              ifOverflow="hidden"
            />
          ))}
        </AreaChart>
        <MarkFlags marks={marks} start={start} end={end} focusable={marksFocusable} selectedMark={selectedMark} onMark={onMark} />
      </div>
    </figure>
  );
});
