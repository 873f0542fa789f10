import { memo } from 'react';
import type { AdminState, AgentCheckDto } from '@fulcrum/shared/api';
import { Badge } from '../../components/badge.tsx';
import { drainOutcome } from '../../lib/drain-text.ts';
import { formatByteRate, formatCount, formatDuration } from '../../lib/format.ts';
import { SeriesSwatch } from '../../components/series-swatch.tsx';
import type { SeriesStyle } from '../../lib/colors.ts';
import { drainProgress, groupSummary, stateLabel, stateTone, type BackendRow } from './backend-rows.ts';
import { WeightCell } from './weight-cell.tsx';
import { BackendDetailRow, detailId } from './backend-detail.tsx';
import { shownLatency } from './backend-table-view.ts';
import { downSummary, formatFailureRate } from './health-detail.ts';
import { agentDetail, agentLabel, agentTone } from './agent-view.ts';
import { AgentCheckCell } from './agent-check-cell.tsx';

interface BackendRowProps {
  row: BackendRow;
  /** Its look in the charts, for the swatch. */
  swatch: SeriesStyle;
  busy: boolean;
  /** The service's drain timeout, for the Drain button's hint. */
  drainTimeoutMs: number;
  onSetState: (row: BackendRow, state: AdminState) => void;
  onSetWeight: (row: BackendRow, weight: number) => Promise<void>;
  /** The service's agent check (what a backend without its own uses). */
  serviceAgentCheck: AgentCheckDto | null;
  onSetAgentCheck: (row: BackendRow, check: AgentCheckDto | null) => Promise<void>;
  onRemove: (row: BackendRow) => void;
  onRebalance: (row: BackendRow) => void;
  /** Health detail shown under the row. */
  expanded: boolean;
  onToggle: (id: number) => void;
  /** Time of the stats sample, for "since 2 m ago". */
  now: number;
  /** Columns of the table, for the detail row's span. */
  columns: number;
}

/** One backend: config (weight, admin state) and live numbers, with its actions. */
export const BackendTableRow = memo(function BackendTableRow({
  row, swatch, busy, drainTimeoutMs, onSetState, onSetWeight, serviceAgentCheck, onSetAgentCheck, onRemove, onRebalance, expanded, onToggle, now, columns,
}: BackendRowProps) {
  const draining = row.removed || row.state === 'draining';
  const member = row.kind === 'member';
  const group = row.kind === 'group' ? groupSummary(row.discovery) : null;
  const downText = downSummary(row, now);
  const latency = shownLatency(row);
  const failing = (row.failureRate ?? 0) > 0;
  return (
    <>
      <tr
        data-testid={`backend-row-${row.address}`}
        data-backend-id={row.id}
        data-kind={row.kind}
        className={`${row.state === 'disabled' ? 'is-disabled' : ''}${row.removed ? ' is-removed' : ''}${member ? ' is-member' : ''}${expanded ? ' is-expanded' : ''}`}
      >
        <td data-testid="address" className="address-cell">
          <span className="backend-address">
            <button
              type="button"
              className="expand-btn"
              aria-expanded={expanded}
              aria-controls={expanded ? detailId(row.id) : undefined}
              aria-label={`Health details of ${row.address}`}
              title="Health details"
              data-testid="expand"
              onClick={() => onToggle(row.id)}
            >
              <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
            </button>
            {member ? <span className="muted" aria-hidden="true">↳</span> : null}
            <SeriesSwatch style={swatch} />
            <span className="mono" title={member ? 'discovered by the DNS group above' : undefined}>
              {row.address}
            </span>
            {row.kind === 'group' ? <Badge tone="plain">DNS group</Badge> : null}
            {row.backup ? <Badge tone="plain">backup</Badge> : null}
            {row.maxConnections > 0 ? (
              <span className="muted small" title="Connection limit">
                max {row.maxConnections}
              </span>
            ) : null}
          </span>
          {row.removed || member ? null : (
            <AgentCheckCell address={row.address} check={row.agentCheck} serviceCheck={serviceAgentCheck} onSave={(check) => onSetAgentCheck(row, check)} />
          )}
        </td>
        <td data-testid="weight">
          <WeightCell
            address={row.address}
            weight={row.weight}
            effectiveWeight={row.removed ? null : row.effectiveWeight}
            editable={!row.removed && !member}
            onSave={(w) => onSetWeight(row, w)}
          />
        </td>
        <td data-testid="state" data-state={row.removed ? 'removed' : row.state}>
          <div className="state-cell">
            <Badge tone={stateTone(row)}>{stateLabel(row)}</Badge>
            {draining ? (
              <span className="drain-progress num live" data-testid="drain-progress">
                {drainProgress(row.active)}
              </span>
            ) : null}
          </div>
        </td>
        {group ? (
          <td data-testid="discovery" data-error={group.error === '' ? undefined : 'true'}>
            <span className="small">{group.text}</span>
            {group.error !== '' ? (
              <p className="field-error small" data-testid="discovery-error">
                {group.error}
              </p>
            ) : null}
          </td>
        ) : (
        <td className="health-td">
          <div className="health-cell">
            {/* The badge alone carries the test id: the reason beside it is its own element. */}
            <span data-testid="health" data-health={row.health}>
              <Badge tone={row.health} className="live">
                {row.health}
              </Badge>
            </span>
            {downText !== null ? (
              <span className="down-reason live" data-testid="down-reason" title={row.check?.since != null ? new Date(row.check.since).toString() : undefined}>
                {downText}
              </span>
            ) : null}
            {row.agent === null ? null : (
              <span className="agent-view" data-testid="agent" data-agent-state={row.agent.state ?? 'none'}>
                <Badge tone={agentTone(row.agent)} className="live" title={agentDetail(row.agent) || 'What the backend\'s agent says (agent check)'}>
                  {agentLabel(row.agent)}
                </Badge>
                {agentDetail(row.agent) === '' ? null : (
                  <span className="muted small agent-reason" data-testid="agent-reason">
                    {agentDetail(row.agent)}
                  </span>
                )}
              </span>
            )}
          </div>
        </td>
        )}
        <td className="right num live strong" data-testid="active">
          {row.active ?? '—'}
        </td>
        <td className="right num live col-optional" data-testid="total">
          {formatCount(row.total)}
        </td>
        <td className="right num live" data-testid="throughput">
          <span className="io">
            <span data-testid="bytes-in-rate" title="Client → backend">
              <span className="io-label">in</span> {formatByteRate(row.rates?.bytesInPerSec)}
            </span>
            <span data-testid="bytes-out-rate" title="Backend → client">
              <span className="io-label">out</span> {formatByteRate(row.rates?.bytesOutPerSec)}
            </span>
          </span>
        </td>
        <td className="right num live col-optional" data-testid="connect-time">
          {latency === null ? '—' : formatDuration(latency)}
        </td>
        <td
          className={`right num live${failing ? ' warn' : ''}`}
          data-testid="failures"
          title={`Failed connects over the last minute; ${formatCount(row.connectFailures)} since start`}
        >
          {formatFailureRate(row.failureRate)}
        </td>
        <td className="actions-cell">
          {row.removed ? (
            <span className="muted small">removing…</span>
          ) : member ? (
            <span className="muted small">discovered</span>
          ) : (
            <div className="row-actions">
              {row.state === 'enabled' ? (
                <button type="button" className="btn btn-sm" disabled={busy} aria-label={`Disable ${row.address}`} onClick={() => onSetState(row, 'disabled')}>
                  Disable
                </button>
              ) : (
                <button type="button" className="btn btn-sm" disabled={busy} aria-label={`Enable ${row.address}`} onClick={() => onSetState(row, 'enabled')}>
                  Enable
                </button>
              )}
              <button
                type="button"
                className="btn btn-sm"
                disabled={busy || row.state === 'draining'}
                aria-label={`Drain ${row.address}`}
                title={`Stop new connections; let established ones finish. ${drainOutcome(drainTimeoutMs)}`}
                onClick={() => onSetState(row, 'draining')}
              >
                Drain
              </button>
              <button
                type="button"
                className="btn btn-sm"
                disabled={busy}
                aria-label={`Rebalance ${row.address}`}
                title="Close its connections gracefully over a window; it stays in rotation, so clients reconnect through the strategy"
                onClick={() => onRebalance(row)}
              >
                Rebalance
              </button>
              <button type="button" className="btn btn-sm btn-danger-text" disabled={busy} aria-label={`Remove ${row.address}`} onClick={() => onRemove(row)}>
                Remove
              </button>
            </div>
          )}
        </td>
      </tr>
      {expanded ? <BackendDetailRow row={row} now={now} columns={columns} /> : null}
    </>
  );
});
