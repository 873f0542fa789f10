// The JSON request-body parser: strict JSON (strict-json.ts), and every body is one object. Each
// refusal is a 400 VALIDATION_ERROR whose message names line and column, so an operator can find
// the mistake in a large configuration document.
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.ts';
import { JsonSyntaxError, lineColumn, parseStrictJson } from './strict-json.ts';

/** Keys refused in any JSON body, at any depth: the prototype-pollution guards of Fastify's own parser. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor']);

/** What a value is, in words, for "must be an object, not …". */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

/** 400 unless `value` is a plain object; `offset` is where it starts in `text`. */
export function requireObject(format: 'JSON' | 'YAML', value: unknown, text: string, offset: number): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  const { line, column } = lineColumn(text, offset);
  throw new ApiError(400, 'VALIDATION_ERROR', `${format}: expected an object ({…}) at the top level, found ${kindOf(value)} at line ${line}, column ${column}`);
}

/** Parses a JSON body that must be one object; 400 VALIDATION_ERROR naming the position otherwise. */
export function parseJsonBody(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseStrictJson(text, { forbiddenKeys: FORBIDDEN_KEYS });
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw new ApiError(400, 'VALIDATION_ERROR', `JSON: ${err.message}`, err.field, { cause: err });
  }
  return requireObject('JSON', value, text, text.length - text.trimStart().length);
}

/**
 * Replaces Fastify's JSON parser (which keeps the last of two equal keys and names no position)
 * and the plain-text parser (no route takes text: a text body is 415, not a string to validate).
 * An empty JSON body (a DELETE sent with content-type: application/json) means "no body".
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, parseJsonBody(text));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
