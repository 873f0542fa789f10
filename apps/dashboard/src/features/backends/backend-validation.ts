// Inline checks for the add-backend form and the weight editor. The server validates again;
// these only save a round trip and say what is wrong while typing.
import { formatAddress, parseAddress } from '@fulcrum/shared/address';
import { LIMITS, parseIntInRange, type IntParse } from '../../lib/limits.ts';

/** Canonical form for duplicate checks: trimmed, host lower-cased. */
export function normalizeAddress(address: string): string {
  // The form sends what the operator typed without surrounding spaces (the API refuses them).
  const parsed = parseAddress(address.trim());
  if (!parsed.ok) return address.trim().toLowerCase();
  return formatAddress(parsed.value.host.toLowerCase(), parsed.value.port);
}

/** An error message for a backend address, or null when it can be added. */
export function validateBackendAddress(address: string, existing: readonly string[]): string | null {
  if (!address.trim()) return 'Enter the backend as host:port, e.g. 10.0.0.5:6379.';
  const parsed = parseAddress(address.trim());
  if (!parsed.ok) return `Invalid address: ${parsed.reason}.`;
  const key = normalizeAddress(address);
  if (existing.some((a) => normalizeAddress(a) === key)) return `${key} is already a backend of this service.`;
  return null;
}

/** Largest weight the admin accepts (its schema: 0–1000). */
export const MAX_WEIGHT = LIMITS.weight.max;

/** Parses a weight field: a whole number 0–MAX_WEIGHT. */
export function parseWeight(text: string): IntParse {
  return parseIntInRange(text, 'Weight', LIMITS.weight);
}

/** Parses a connection limit field: empty or 0 = no limit, else a whole number up to the admin's maximum. */
export function parseMaxConnections(text: string): IntParse {
  if (!text.trim()) return { ok: true, value: 0 };
  return parseIntInRange(text, 'Max connections', LIMITS.maxConnections);
}
