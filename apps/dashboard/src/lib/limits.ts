// The ranges the admin accepts for every number the console edits, copied from its request
// schemas (apps/admin/src/schemas/service-schemas.ts). The dashboard may not import admin code,
// so keep these in step with that file: the console should refuse exactly what the server would.

/** Inclusive integer range. */
export interface IntRange {
  min: number;
  max: number;
}

export const LIMITS = {
  weight: { min: 0, max: 1000 },
  maxConnections: { min: 0, max: 1_000_000 },
  connectTimeoutMs: { min: 1, max: 600_000 },
  idleTimeoutMs: { min: 0, max: 86_400_000 },
  retries: { min: 0, max: 10 },
  drainTimeoutMs: { min: 0, max: 3_600_000 },
  maxQueue: { min: 0, max: 100_000 },
  queueTimeoutMs: { min: 1, max: 600_000 },
  hcIntervalMs: { min: 100, max: 3_600_000 },
  hcTimeoutMs: { min: 10, max: 600_000 },
  hcRise: { min: 1, max: 100 },
  hcFall: { min: 1, max: 100 },
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
