// What a drain does to open connections, in the words every dialog, hint and toast uses. The
// engine closes connections still open when the service's drain timeout runs out; 0 = no limit.
import { formatDuration } from './format.ts';

/** One sentence: "Connections still open after 30 s are closed." / "Open connections last as long as they need (…)." */
export function drainOutcome(drainTimeoutMs: number): string {
  return drainTimeoutMs > 0
    ? `Connections still open after ${formatDuration(drainTimeoutMs)} are closed.`
    : 'Open connections last as long as they need (drain timeout 0 = no limit).';
}

/** The drain timeout as a short fact: "30 s", or "no limit" for 0. */
export function drainLimit(drainTimeoutMs: number): string {
  return drainTimeoutMs > 0 ? formatDuration(drainTimeoutMs) : 'no limit';
}
