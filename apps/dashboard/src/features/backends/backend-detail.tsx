import type { ReactNode } from 'react';
import { formatCount } from '../../lib/format.ts';
import type { BackendRow } from './backend-rows.ts';
import { formatFailureRate, formatSince, lastCheckLine, streakLine, weightLine } from './health-detail.ts';

/** The id tying a row's expand button (aria-controls) to its detail row. */
export const detailId = (backendId: number): string => `backend-detail-${backendId}`;

/** One labelled line of the detail; a new fact (an agent's state, say) is one more of these. */
function DetailLine({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="detail-line">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** The health detail of one backend, shown as a full-width row under it when expanded. */
export function BackendDetailRow({ row, now, columns }: { row: BackendRow; now: number; columns: number }) {
  const check = row.check;
  return (
    <tr className="backend-detail-row" id={detailId(row.id)} data-testid={`backend-detail-${row.address}`}>
      <td colSpan={columns}>
        <dl className="backend-detail">
          <DetailLine label="Health" testId="detail-health">
            <strong>{row.health}</strong>
            {check?.reason ? ` — ${check.reason}` : null}
            {check?.since != null ? <span className="muted"> · since {formatSince(check.since, now)}</span> : null}
          </DetailLine>
          {check === null ? (
            <DetailLine label="Checks" testId="detail-no-check">
              none: this service has no health check (type none, passive detection off)
            </DetailLine>
          ) : (
            <>
              <DetailLine label="Last check" testId="detail-last-check">
                {lastCheckLine(check, now)}
              </DetailLine>
              <DetailLine label="In a row" testId="detail-streak">
                {streakLine(check)}
              </DetailLine>
              <DetailLine label="Role seen" testId="detail-role">
                {check.role ?? '— (this check reads no role)'}
              </DetailLine>
            </>
          )}
          <DetailLine label="Weight" testId="detail-weight">
            {weightLine(row)}
          </DetailLine>
          <DetailLine label="Failed connects" testId="detail-failures">
            {formatFailureRate(row.failureRate)} over the last minute · {formatCount(row.connectFailures)} since start
          </DetailLine>
          <DetailLine label="Ended by Fulcrum" testId="detail-ended">
            {formatCount(row.closedByLifetime)} past their lifetime · {formatCount(row.closedByRebalance)} by a rebalance
          </DetailLine>
        </dl>
      </td>
    </tr>
  );
}
