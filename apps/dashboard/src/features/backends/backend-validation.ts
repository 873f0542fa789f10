// Inline checks for the add-backend form and the weight editor. The server validates again;
// these only save a round trip and say what is wrong while typing.
import { formatAddress, parseAddress } from '@fulcrum/shared/address';

/** Canonical form for duplicate checks: trimmed, host lower-cased. */
export function normalizeAddress(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed.ok) return address.trim().toLowerCase();
  return formatAddress(parsed.value.host.toLowerCase(), parsed.value.port);
}

/** An error message for a backend address, or null when it can be added. */
export function validateBackendAddress(address: string, existing: readonly string[]): string | null {
  if (!address.trim()) return 'Enter the backend as host:port, e.g. 10.0.0.5:6379.';
  const parsed = parseAddress(address);
  if (!parsed.ok) return `Invalid address: ${parsed.reason}.`;
  const key = normalizeAddress(address);
  if (existing.some((a) => normalizeAddress(a) === key)) return `${key} is already a backend of this service.`;
  return null;
}

/** Largest weight the admin accepts (its schema: 0–1000). */
export const MAX_WEIGHT = 1000;

/** Parses a weight field: a whole number 0–MAX_WEIGHT. */
export function parseWeight(text: string): { ok: true; value: number } | { ok: false; reason: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, reason: 'Weight must be a whole number.' };
  const value = Number(trimmed);
  if (value > MAX_WEIGHT) return { ok: false, reason: `Weight must be at most ${MAX_WEIGHT}.` };
  return { ok: true, value };
}
