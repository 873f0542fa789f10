import { useCallback, useState } from 'react';
import type { ServiceDto } from '@fulcrum/shared/api';
import { Stat } from '../../components/stat.tsx';
import { drainLimit, drainOutcome } from '../../lib/drain-text.ts';
import { formatByteRate, formatCount, formatDuration, formatRate } from '../../lib/format.ts';
import { useAppStore } from '../../store/app-store.ts';
import { serviceRatesById, serviceStatsById } from '../../store/selectors.ts';
import { DeleteServiceDialog } from './delete-service-dialog.tsx';
import { countBackends, proxySummary, serviceHealth } from './service-summary.ts';
import { listSummary, rejectedByReasonText } from './client-lists.ts';
import { limitsSummary } from './client-limits-form.ts';
import { sniSummary } from './sni-names.ts';
import { StrategySelect } from './strategy-select.tsx';

const HEALTH_TEXT = { up: 'all backends up', degraded: 'degraded', down: 'no backend serving', unknown: 'health unknown', empty: 'no backends' } as const;

/** Name, listen address, live totals, strategy and the edit/delete actions of one service. */
export function ServiceHeader({ service, onEdit }: { service: ServiceDto; onEdit: () => void }) {
  const stats = useAppStore(serviceStatsById(service.id));
  const rates = useAppStore(serviceRatesById(service.id));
  const counts = countBackends(service, stats);
  const health = serviceHealth(counts, stats !== undefined);
  const [confirming, setConfirming] = useState(false);
  const closeDelete = useCallback(() => setConfirming(false), []);

  const hc = service.healthCheck;
  const refusedText = rejectedByReasonText(stats?.rejectedByReason, (n) => formatCount(n));
  const proxyText = proxySummary(service);

  return (
    <section className="panel service-header" aria-labelledby="service-title" data-testid="service-header">
      <div className="service-title-row">
        <div className="service-title">
          <span className={`health-dot health-${health} live`} aria-hidden="true" />
          <h1 id="service-title">{service.name}</h1>
          <span className={`service-health-text up-${health} live`}>{HEALTH_TEXT[health]}</span>
        </div>
        <div className="service-actions">
          <button type="button" className="btn btn-sm" onClick={onEdit}>
            Edit service
          </button>
          <button type="button" className="btn btn-sm btn-danger-text" onClick={() => setConfirming(true)}>
            Delete service
          </button>
        </div>
      </div>
      <dl className="service-facts">
        <div>
          <dt>Listen</dt>
          <dd className="mono" data-testid="service-listen">
            {service.listen}
            {service.sni !== null ? ` · SNI ${sniSummary(service.sni)}` : ''}
          </dd>
        </div>
        <div>
          <dt>Health check</dt>
          <dd>{hc.type === 'none' ? 'off' : `${hc.type} every ${formatDuration(hc.intervalMs)} · rise ${hc.rise} · fall ${hc.fall}`}</dd>
        </div>
        <div>
          <dt>Clients</dt>
          <dd className="mono" data-testid="service-clients">
            allow {listSummary(service.allow, 'all')}
            {service.deny.length > 0 ? ` · deny ${listSummary(service.deny, '')}` : ''}
          </dd>
        </div>
        {proxyText !== null ? (
          <div>
            <dt>PROXY protocol</dt>
            <dd className="mono" data-testid="service-proxy-protocol">{proxyText}</dd>
          </div>
        ) : null}
        <div>
          <dt>Limits</dt>
          <dd data-testid="service-limits">{limitsSummary(service.limits)}</dd>
        </div>
        <div>
          <dt>Timeouts</dt>
          <dd>
            connect {formatDuration(service.connectTimeoutMs)} · idle {service.idleTimeoutMs ? formatDuration(service.idleTimeoutMs) : 'off'} ·{' '}
            <span title={drainOutcome(service.drainTimeoutMs)}>drain {drainLimit(service.drainTimeoutMs)}</span>
          </dd>
        </div>
      </dl>
      <div className="service-body">
        <div className="kpis">
          <Stat label="Active" value={formatCount(stats?.active)} testId="service-active" />
          <Stat label="New / s" value={formatRate(rates?.newPerSec)} />
          <Stat label="In / s" value={formatByteRate(rates?.bytesInPerSec)} />
          <Stat label="Out / s" value={formatByteRate(rates?.bytesOutPerSec)} />
          <Stat
            label="Backends up"
            value={
              <>
                {counts.up}/{counts.total}
                {counts.draining > 0 ? <span className="stat-aside warn"> · {counts.draining} draining</span> : null}
              </>
            }
            testId="service-up"
          />
          <Stat
            label="Rejected · queued"
            value={
              <>
                <span className={(stats?.rejected ?? 0) > 0 ? 'warn' : undefined}>{formatCount(stats?.rejected)}</span>
                <span className="muted"> · </span>
                {formatCount(stats?.queued)}
                {refusedText ? (
                  <span className="stat-aside warn" data-testid="service-rejected-by-reason" title="Clients closed at accept, before any backend was chosen">
                    {' '}
                    · {refusedText}
                  </span>
                ) : null}
              </>
            }
          />
        </div>
        <StrategySelect service={service} />
      </div>
      <DeleteServiceDialog service={service} open={confirming} onClose={closeDelete} />
    </section>
  );
}
