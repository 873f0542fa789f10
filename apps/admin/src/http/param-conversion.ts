// Path and query values arrive as strings. They are converted to the schema's number or boolean
// type only when written in canonical form, so an id or a limit is exactly what it claims to be
// or the request fails validation (400, the parameter named). TypeBox's Value.Convert is looser
// (`1e9`→1, `1.99`→1, `0x2`→2, `" 1"`→1, `true`→1) and once made `DELETE /api/services/10e9`
// delete service 10.
import type { TSchema } from '@sinclair/typebox';

const CANONICAL_INTEGER = /^(0|-?[1-9][0-9]*)$/;
const CANONICAL_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** One string as the scalar type `schema` names, or the string unchanged (then validation fails on it). */
export function convertCanonical(schema: TSchema, raw: string): unknown {
  const type = (schema as { type?: unknown }).type;
  if (type === 'integer') {
    if (!CANONICAL_INTEGER.test(raw)) return raw;
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : raw;
  }
  if (type === 'number') return CANONICAL_NUMBER.test(raw) ? Number(raw) : raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

/** A params or querystring object with each string property converted by its property schema. */
export function convertParameters(schema: TSchema, data: unknown): unknown {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties;
  if (!properties || data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
    out[key] = property !== undefined && typeof value === 'string' ? convertCanonical(property, value) : value;
  }
  return out;
}
