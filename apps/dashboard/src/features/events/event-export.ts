// Export of the event log as CSV or JSON. CSV follows RFC 4180 (every field quoted when it holds a
// comma, quote or line break; quotes doubled) and is safe to open in a spreadsheet: a cell that
// starts with = + - @ (or a tab or carriage return) gets a leading ' so it is never run as a
// formula (OWASP "CSV injection").
import type { EventDto } from '@fulcrum/shared/api';

/** The CSV's columns, in order. */
export const CSV_COLUMNS = ['id', 'time', 'kind', 'actor', 'service', 'serviceId', 'backendId', 'message', 'details'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: neutralised if a spreadsheet would read it as a formula, quoted if needed. */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The events as CSV (header row, CRLF line ends); `serviceName` names a service id. */
export function eventsToCsv(events: readonly EventDto[], serviceName: (id: number) => string | undefined): string {
  const rows = events.map((e) =>
    [e.id, e.time, e.kind, e.actor, e.serviceId === null ? null : (serviceName(e.serviceId) ?? null), e.serviceId, e.backendId, e.message, JSON.stringify(e.details)]
      .map(csvCell)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/** The events as a JSON document: the filter it was taken with, and the events as the API gives them. */
export function eventsToJson(events: readonly EventDto[], meta: { exportedAt: string; filter: Record<string, string>; truncated: boolean }): string {
  return JSON.stringify({ ...meta, count: events.length, events }, null, 2) + '\n';
}

/** A file name for an export taken at `at`: fulcrum-events-2026-11-30T14-05-00Z.csv */
export function exportFileName(at: Date, format: 'csv' | 'json'): string {
  return `fulcrum-events-${at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.${format}`;
}
