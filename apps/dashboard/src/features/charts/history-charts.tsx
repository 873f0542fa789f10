import { useCallback, useMemo, useState } from 'react';
import type { HistoryMarkDto, HistoryRange } from '@fulcrum/shared/history';
import type { SeriesStyle } from '../../lib/colors.ts';
import { formatByteRate, formatClock, formatCount, formatRate } from '../../lib/format.ts';
import { HistoryChart, markColor } from './history-chart.tsx';
import { historyRows, historySeries } from './history-rows.ts';
import { useHistory } from './use-history.ts';
import { loadScopedHistory } from './scoped-history.ts';
import type { HistoryTarget, ScopedHistory } from './scoped-history.ts';

interface HistoryChartsProps {
  serviceId: number;
  range: HistoryRange;
  styles: ReadonlyMap<number, SeriesStyle>;
  /** Backends the legend hides. */
  hidden: ReadonlySet<number>;
  /** Whose history: this node, another node, or several summed (keep it stable: a new one reloads). */
  target: HistoryTarget;
}

/** The three traffic charts over a stored range, with config changes and health transitions marked. */
export function HistoryCharts({ serviceId, range, styles, hidden, target }: HistoryChartsProps) {
  const load = useCallback((id: number, r: HistoryRange): Promise<ScopedHistory> => loadScopedHistory(id, r, target), [target]);
  const { data, error, loading } = useHistory(serviceId, range, load);
  const [selected, setSelected] = useState<HistoryMarkDto | null>(null);
  const onMark = useCallback((mark: HistoryMarkDto) => setSelected((s) => (s?.id === mark.id ? null : mark)), []);

  const series = useMemo(() => (data ? historySeries(data).filter((s) => !hidden.has(s.id)) : []), [data, hidden]);
  const active = useMemo(() => (data ? historyRows(data, series, 'active') : []), [data, series]);
  const fresh = useMemo(() => (data ? historyRows(data, series, 'newPerSec') : []), [data, series]);
  const bytes = useMemo(() => (data ? historyRows(data, series, 'throughput') : []), [data, series]);

  if (!data) {
    return (
      <div className="history-status muted" role="status" data-testid="history-status">
        {loading ? 'Loading history…' : `History unavailable: ${error ?? 'no answer'}`}
      </div>
    );
  }
  const start = data.times[0] ?? 0;
  const marks = data.marks;
  // Events of the bucket still being recorded lie past the last slot: the axis reaches them.
  const end = Math.max((data.times.at(-1) ?? 0) + data.stepMs, ...marks.map((m) => Date.parse(m.time) + 1));
  const common = { series, styles, start, end, marks, selectedMark: selected?.id ?? null, onMark };
  return (
    <>
      {error ? (
        <p className="history-status muted small" role="status">
          Not refreshing: {error}
        </p>
      ) : null}
      <div className="charts-grid" data-testid="history-charts" data-step-ms={data.stepMs}>
        <HistoryChart title="Active connections" description="mean, stacked per backend" testId="history-active-chart" rows={active} formatValue={formatCount} marksFocusable {...common} />
        <HistoryChart title="New connections" description="per second, stacked" testId="history-new-connections-chart" rows={fresh} formatValue={formatRate} marksFocusable={false} {...common} />
        <HistoryChart
          title="Throughput"
          description="bytes/s in + out, stacked"
          testId="history-throughput-chart"
          rows={bytes}
          formatValue={formatByteRate}
          tickBase={1024}
          marksFocusable={false}
          {...common}
        />
      </div>
      <p className="muted small history-legend">
        {marks.length === 0 ? 'No config changes or health transitions in this range.' : `${marks.length} marked event${marks.length === 1 ? '' : 's'}: click or focus a flag to see it.`} Gaps: the
        admin was not running.
      </p>
      <NodesCaption data={data} />
      {selected ? (
        <div className="mark-detail" role="status" data-testid="mark-detail">
          <span className="mark-swatch" style={{ background: markColor(selected) }} aria-hidden="true" />
          <span className="mono">{formatClock(selected.time)}</span>
          <b>{selected.kind}</b>
          <span>{selected.message}</span>
          <span className="muted small">event #{selected.id}</span>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSelected(null)}>
            Close
          </button>
        </div>
      ) : null}
    </>
  );
}

/** With several nodes summed: which nodes' points the charts add up, and who is left out and why. */
function NodesCaption({ data }: { data: ScopedHistory }) {
  if (data.counted.length <= 1 && data.leftOut.length === 0) return null;
  const left = data.leftOut.map((n) => `${n.name} (${n.reason})`).join('; ');
  return (
    <p className="muted small history-nodes" data-testid="history-nodes">
      {data.counted.length > 1 ? `Summed per slot over nodes ${data.counted.join(', ')}.` : `Node ${data.counted.join('')} only.`}
      {left ? ` Left out: ${left}.` : ''}
    </p>
  );
}
