import { useMemo } from 'react';
import type { ServiceDto } from '@fulcrum/shared/api';
import { seriesColor } from '../../lib/colors.ts';
import { formatByteRate, formatCount, formatRate } from '../../lib/format.ts';
import { setChartsPaused } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { BackendChart } from './backend-chart.tsx';
import { buildChartRows, collectSeries } from './chart-series.ts';

/** Active connections, new connections/s and throughput per backend over the last 5 minutes. */
export function ChartsPanel({ service }: { service: ServiceDto }) {
  const paused = useAppStore((s) => s.chartsPaused);
  const frozen = useAppStore((s) => s.frozenHistory);
  const history = useAppStore((s) => s.history);
  // While paused, ignore new points entirely: no re-render, no work.
  const version = useAppStore((s) => (s.chartsPaused ? -1 : s.historyVersion));

  const points = useMemo(() => {
    void version; // the ring buffer mutates in place; `version` says when it changed
    return frozen ?? history.toArray();
  }, [frozen, history, version]);
  // Removed backends are named from the history points, which carry each backend's address.
  const configured = useMemo(() => new Map(service.backends.map((b) => [b.id, b.address])), [service.backends]);
  const series = useMemo(() => collectSeries(points, service.id, configured), [points, service.id, configured]);
  const end = points.at(-1)?.time ?? 0;

  const active = useMemo(() => buildChartRows(points, service.id, series, 'active'), [points, service.id, series]);
  const fresh = useMemo(() => buildChartRows(points, service.id, series, 'newPerSec'), [points, service.id, series]);
  const bytes = useMemo(() => buildChartRows(points, service.id, series, 'throughput'), [points, service.id, series]);

  return (
    <section className="panel" aria-labelledby="charts-title">
      <div className="panel-head">
        <div>
          <h2 id="charts-title">Traffic — last 5 minutes</h2>
          <p>{paused ? 'Paused: showing the moment you paused. Recording continues.' : 'One point per second, per backend.'}</p>
        </div>
        <button type="button" className="btn btn-sm" aria-pressed={paused} data-testid="charts-pause" onClick={() => setChartsPaused(!paused)}>
          {paused ? '▶ Resume' : '❚❚ Pause'}
        </button>
      </div>
      {series.length > 0 ? (
        <ul className="chart-legend" aria-label="Backends">
          {series.map((s) => (
            <li key={s.key}>
              <span className="series-swatch" style={{ background: seriesColor(s.id) }} aria-hidden="true" />
              <span className="mono">{s.label}</span>
              {configured.has(s.id) ? null : <span className="muted small">(removed)</span>}
            </li>
          ))}
        </ul>
      ) : null}
      <div className={`charts-grid${paused ? ' is-paused' : ''}`}>
        <BackendChart title="Active connections" description="stacked per backend" testId="active-chart" rows={active} series={series} end={end} kind="stacked-area" formatValue={formatCount} />
        <BackendChart title="New connections" description="per second" testId="new-connections-chart" rows={fresh} series={series} end={end} kind="line" formatValue={formatRate} />
        <BackendChart title="Throughput" description="bytes/s in + out, stacked" testId="throughput-chart" rows={bytes} series={series} end={end} kind="stacked-area" formatValue={formatByteRate} tickBase={1024} />
      </div>
    </section>
  );
}
