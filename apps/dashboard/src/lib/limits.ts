// The ranges the admin accepts for every number the console edits. They come from
// @fulcrum/shared/limits, the same tables the admin's request schemas and the engine use, so the
// console refuses exactly what the server would.
import { BACKEND_LIMITS, HEALTH_CHECK_LIMITS, SERVICE_LIMITS } from '@fulcrum/shared/limits';
import type { IntRange } from '@fulcrum/shared/limits';

export type { IntRange };

/** The range of each number field of the console's forms, by form field. */
export const LIMITS = {
  ...BACKEND_LIMITS,
  ...SERVICE_LIMITS,
  hcIntervalMs: HEALTH_CHECK_LIMITS.intervalMs,
  hcTimeoutMs: HEALTH_CHECK_LIMITS.timeoutMs,
  hcRise: HEALTH_CHECK_LIMITS.rise,
  hcFall: HEALTH_CHECK_LIMITS.fall,
} as const satisfies Record<string, IntRange>;

/** 3600000 → "3,600,000": long limits are unreadable without grouping (four digits stay as they are). */
function grouped(n: number): string {
  return n >= 10_000 ? n.toLocaleString('en-US') : String(n);
}

export type IntParse = { ok: true; value: number } | { ok: false; reason: string };

/** Parses a whole number typed into a field and checks it against `range`; `label` starts the message. */
export function parseIntInRange(text: string, label: string, range: IntRange): IntParse {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, reason: `${label} must be a whole number.` };
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value) || value > range.max) return { ok: false, reason: `${label} must be at most ${grouped(range.max)}.` };
  if (value < range.min) return { ok: false, reason: `${label} must be at least ${grouped(range.min)}.` };
  return { ok: true, value };
}
