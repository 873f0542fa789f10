// The service form's allow/deny text areas (one CIDR per line) and the summary's one-line text:
// checked with the same parser and limits as the admin (@fulcrum/shared/cidr).
import type { AcceptRejectReason, RejectedByReasonDto } from '@fulcrum/shared/api';
import { parseCidr } from '@fulcrum/shared/cidr';
import { CLIENT_FILTER_LIMITS } from '@fulcrum/shared/limits';

/** A list as the text area shows it: one entry per line. */
export function listToText(list: readonly string[]): string {
  return list.join('\n');
}

/** The entries of a text area: trimmed lines, blank lines dropped. */
export function textToList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Why the text area's list would be refused (naming the line), or null. */
export function checkListText(text: string): string | null {
  const list = textToList(text);
  if (list.length > CLIENT_FILTER_LIMITS.maxEntries) return `At most ${CLIENT_FILTER_LIMITS.maxEntries} entries.`;
  for (const [i, entry] of list.entries()) {
    const parsed = parseCidr(entry);
    if (!parsed.ok) return `Entry ${i + 1}: ${parsed.reason}.`;
  }
  return null;
}

/** "everyone", "10.0.0.0/8, 192.0.2.7" or "10.0.0.0/8 and 4 more": how the service header names a list. */
export function listSummary(list: readonly string[], empty: string): string {
  if (list.length === 0) return empty;
  if (list.length <= 2) return list.join(', ');
  return `${list.slice(0, 2).join(', ')} and ${list.length - 2} more`;
}

const REASON_TEXT: Record<AcceptRejectReason, string> = {
  denied: 'denied',
  'proxy-untrusted': 'not a PROXY sender',
  'proxy-invalid': 'bad PROXY header',
  'proxy-timeout': 'PROXY header timeout',
  perClientConnections: 'over connections per client',
  perClientRate: 'over rate per client',
  serviceRate: 'over service rate',
  clientTableFull: 'client table full',
  sniMalformed: 'bad TLS hello',
  sniOversized: 'TLS hello too big',
  sniTimeout: 'no TLS hello in time',
  sniNoRoute: 'no SNI route',
};

/** The rejected-at-accept counts with a non-zero value: "3 denied · 2 over rate per client", or '' when none. */
export function rejectedByReasonText(counts: RejectedByReasonDto | undefined, format: (n: number) => string): string {
  if (!counts) return '';
  return (Object.keys(REASON_TEXT) as AcceptRejectReason[])
    .filter((r) => counts[r] > 0)
    .map((r) => `${format(counts[r])} ${REASON_TEXT[r]}`)
    .join(' · ');
}
