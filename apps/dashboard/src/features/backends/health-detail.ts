// Words for a backend's health detail (BackendCheckDto): the down reason shown inline, the
// detail lines under an expanded row, and the failure rate. Pure, so it is unit-tested.
import type { BackendCheckDto } from '@fulcrum/shared/api';
import { formatAgo, formatClock, formatCount, formatDuration } from '../../lib/format.ts';
import type { BackendRow } from './backend-rows.ts';

const DASH = '—';

/** "2 m ago (14:03:22)": relative for a glance, clock time to match the event log. */
export function formatSince(time: number | null | undefined, now: number): string {
  if (time == null) return DASH;
  return `${formatAgo(time, now)} (${formatClock(time)})`;
}

/** The inline line of a down row: "fall: 3 × connect refused · since 2 m ago"; null when not down. */
export function downSummary(row: Pick<BackendRow, 'health' | 'check'>, now: number): string | null {
  if (row.health !== 'down') return null;
  const check = row.check;
  if (check === null) return null;
  const parts: string[] = [];
  if (check.reason !== null) parts.push(check.reason);
  if (check.since !== null) parts.push(`since ${formatAgo(check.since, now)}`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** The last active probe: "failed: connect refused", "passed", or "none yet" (also with passive detection only). */
export function lastCheckResult(check: BackendCheckDto): string {
  if (check.lastOk === null) return 'none yet';
  if (check.lastOk) return 'passed';
  return check.lastMessage === null ? 'failed' : `failed: ${check.lastMessage}`;
}

/** "passed · 0.4 ms · 3 s ago (14:03:22)". */
export function lastCheckLine(check: BackendCheckDto, now: number): string {
  if (check.lastAt === null) return 'none yet';
  return `${lastCheckResult(check)} · took ${formatDuration(check.lastDurationMs)} · ${formatSince(check.lastAt, now)}`;
}

/** "4 passed in a row" / "7 failed in a row" / "—". */
export function streakLine(check: BackendCheckDto): string {
  if (check.consecutiveFailures > 0) return `${check.consecutiveFailures} failed in a row`;
  if (check.consecutiveSuccesses > 0) return `${check.consecutiveSuccesses} passed in a row`;
  return DASH;
}

/** "1.4 of 5 (slow start)" while ramping, else "5". */
export function weightLine(row: Pick<BackendRow, 'weight' | 'effectiveWeight'>): string {
  const effective = row.effectiveWeight;
  if (effective == null || effective === row.weight) return String(row.weight);
  return `${Math.round(effective * 100) / 100} of ${row.weight} (slow start)`;
}

/**
 * Recent failed connects: per minute while under one a second (the window is a minute, so this
 * is the count of the last minute: "6/min"), else per second ("2.5/s"); "0" when none.
 */
export function formatFailureRate(perSecond: number | null | undefined): string {
  if (perSecond == null || !Number.isFinite(perSecond)) return DASH;
  if (perSecond <= 0) return '0';
  if (perSecond < 1) return `${formatCount(Math.round(perSecond * 60))}/min`;
  return `${formatCount(perSecond)}/s`;
}
