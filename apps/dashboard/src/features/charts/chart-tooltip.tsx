import type { SeriesStyle } from '../../lib/colors.ts';
import { formatClock } from '../../lib/format.ts';
import { SeriesSwatch } from '../../components/series-swatch.tsx';

interface TooltipEntry {
  name?: unknown;
  value?: unknown;
  dataKey?: unknown;
}

interface ChartTooltipProps {
  active?: boolean;
  label?: unknown;
  payload?: readonly TooltipEntry[];
  formatValue: (value: number) => string;
  /** Series key (dataKey) → style, for the swatch of each line. */
  styleOf: (dataKey: string) => SeriesStyle;
}

/**
 * The hover read-out of a chart, in the theme's colours. Not a live region: recharts' default
 * tooltip is role=status aria-live=assertive, which with a new point every second would interrupt
 * a screen reader all the time (the chart's figure label and the backends table carry the numbers).
 */
export function ChartTooltip({ active, label, payload, formatValue, styleOf }: ChartTooltipProps) {
  if (!active || !payload || payload.length === 0) return null;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-time num">{formatClock(Number(label))}</p>
      <ul>
        {payload.map((entry) => (
          <li key={String(entry.dataKey)}>
            <SeriesSwatch style={styleOf(String(entry.dataKey))} />
            <span className="mono">{String(entry.name)}</span>
            <span className="num">{typeof entry.value === 'number' ? formatValue(entry.value) : '—'}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
