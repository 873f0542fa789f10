import { useMemo, useState, type MouseEvent } from 'react';
import type { ServiceDto } from '@fulcrum/shared/api';
import { SeriesSwatch } from '../../components/series-swatch.tsx';
import { formatByteRate, formatCount, formatRate } from '../../lib/format.ts';
import { setChartsPaused } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { BackendChart } from './backend-chart.tsx';
import { HistoryCharts } from './history-charts.tsx';
import type { ChartRange } from './history-rows.ts';
import { RangePicker } from './range-picker.tsx';
import { buildChartRows, collectSeries } from './chart-series.ts';
import { legendClick } from './legend-visibility.ts';
import { FALLBACK_STYLE, useSeriesStyles } from './use-series-styles.ts';
import { isMultiNode } from '../../store/cluster-slice.ts';
import { resolveScope } from '../overview/node-scope.ts';
import { ScopePicker } from '../overview/scope-picker.tsx';
import { ChartScopeNote } from './chart-scope-note.tsx';
import { scopePoints } from './scope-points.ts';
import { historyTarget } from './scoped-history.ts';
import type { HistoryTarget } from './scoped-history.ts';

/**
 * Active connections, new connections/s and throughput per backend: live (last 5 minutes) or a
 * stored range. With several nodes, live follows the node scope the overview shares (this node's
 * stream, another node's heartbeats, or their sum); so does a stored range (this node's history,
 * another node's fetched through this admin, or every node's summed per slot).
 */
export function ChartsPanel({ service }: { service: ServiceDto }) {
  const paused = useAppStore((s) => s.chartsPaused);
  const frozen = useAppStore((s) => s.frozenHistory);
  const history = useAppStore((s) => s.history);
  // While paused, ignore new points entirely: no re-render, no work.
  const version = useAppStore((s) => (s.chartsPaused ? -1 : s.historyVersion));
  const styles = useSeriesStyles(service.id);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const [range, setRange] = useState<ChartRange>('live');

  const cluster = useAppStore((s) => s.cluster);
  const nodeScope = useAppStore((s) => s.nodeScope);
  const nodeHistory = useAppStore((s) => (s.chartsPaused ? s.frozenNodeHistory : s.nodeHistory));
  const scope = useMemo(() => resolveScope(nodeScope, cluster), [nodeScope, cluster]);
  const self = scope.kind === 'self' ? scope.name : (cluster?.nodes.find((n) => n.self)?.name ?? '');
  // The cluster view changes with every heartbeat; the recorded range reloads only when the nodes to load change.
  const targetKey = JSON.stringify(historyTarget(scope, cluster));
  const target = useMemo(() => JSON.parse(targetKey) as HistoryTarget, [targetKey]);

  const live = useMemo(() => {
    void version; // the ring buffer mutates in place; `version` says when it changed
    return frozen ?? history.toArray();
  }, [frozen, history, version]);
  const points = useMemo(() => scopePoints(scope, nodeHistory ?? {}, live, self), [scope, nodeHistory, live, self]);
  // Removed backends are named from the history points, which carry each backend's address.
  const configured = useMemo(() => new Map(service.backends.map((b) => [b.id, b.address])), [service.backends]);
  const series = useMemo(() => collectSeries(points, service.id, configured), [points, service.id, configured]);
  const shown = useMemo(() => series.filter((s) => !hidden.has(s.id)), [series, hidden]);
  const end = points.at(-1)?.time ?? 0;

  const active = useMemo(() => buildChartRows(points, service.id, shown, 'active'), [points, service.id, shown]);
  const fresh = useMemo(() => buildChartRows(points, service.id, shown, 'newPerSec'), [points, service.id, shown]);
  const bytes = useMemo(() => buildChartRows(points, service.id, shown, 'throughput'), [points, service.id, shown]);

  function onLegend(event: MouseEvent, id: number) {
    setHidden(legendClick(series.map((s) => s.id), hidden, id, event.shiftKey));
  }
  const anyHidden = shown.length < series.length;
  const multiNode = isMultiNode(cluster);

  return (
    <section className="panel" aria-labelledby="charts-title">
      <div className="panel-head">
        <div>
          <h2 id="charts-title">{range === 'live' ? 'Traffic — last 5 minutes' : 'Traffic — recorded history'}</h2>
          <p>
            {range !== 'live'
              ? 'Kept by the admin (24 h at 10 s, 7 days at 1 min), refreshed every 10 s. Flags mark config changes and health transitions.'
              : paused
                ? 'Paused: showing the moment you paused. Recording continues.'
                : 'One point per second, per backend, stacked. Gaps mean no data (console or admin unreachable).'}
          </p>
        </div>
        <div className="panel-actions">
          {multiNode && cluster ? <ScopePicker cluster={cluster} testId="charts-scope" /> : null}
          <RangePicker value={range} onChange={setRange} />
          {range === 'live' ? (
            <button type="button" className="btn btn-sm" aria-pressed={paused} data-testid="charts-pause" onClick={() => setChartsPaused(!paused)}>
              {paused ? '▶ Resume' : '❚❚ Pause'}
            </button>
          ) : null}
        </div>
      </div>
      {multiNode ? <ChartScopeNote scope={scope} range={range} self={self} /> : null}
      {series.length > 0 ? (
        <div className="chart-legend-row">
          <ul className="chart-legend" aria-label="Backends">
            {series.map((s) => (
              <li key={s.key}>
                <button
                  type="button"
                  className={`legend-item${hidden.has(s.id) ? ' is-hidden' : ''}`}
                  aria-pressed={!hidden.has(s.id)}
                  data-testid={`legend-${s.label}`}
                  title="Click: show only this backend (again: all). Shift-click: hide or show it."
                  onClick={(e) => onLegend(e, s.id)}
                >
                  <SeriesSwatch style={styles.get(s.id) ?? FALLBACK_STYLE} />
                  <span className="mono">{s.label}</span>
                  {configured.has(s.id) ? null : <span className="muted small">(removed)</span>}
                </button>
              </li>
            ))}
          </ul>
          {anyHidden ? (
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setHidden(new Set())}>
              Show all ({series.length})
            </button>
          ) : (
            <span className="muted small legend-hint">Click a backend to show only it; shift-click to hide it.</span>
          )}
        </div>
      ) : null}
      {range !== 'live' ? (
        <HistoryCharts serviceId={service.id} range={range} styles={styles} hidden={hidden} target={target} />
      ) : (
        <div className={`charts-grid${paused ? ' is-paused' : ''}`}>
          <BackendChart title="Active connections" description="stacked per backend" testId="active-chart" rows={active} series={shown} styles={styles} end={end} formatValue={formatCount} />
          <BackendChart title="New connections" description="per second, stacked" testId="new-connections-chart" rows={fresh} series={shown} styles={styles} end={end} formatValue={formatRate} />
          <BackendChart title="Throughput" description="bytes/s in + out, stacked" testId="throughput-chart" rows={bytes} series={shown} styles={styles} end={end} formatValue={formatByteRate} tickBase={1024} />
        </div>
      )}
    </section>
  );
}
