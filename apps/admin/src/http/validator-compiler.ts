// Request validation with TypeBox's compiler instead of Fastify's default Ajv setup:
// JSON bodies are checked strictly (no type coercion, unknown properties rejected), while
// path and query strings are converted to the schema's types first, and only from canonical
// text (param-conversion.ts). The first error becomes a
// 400 VALIDATION_ERROR whose `field` is the offending property path (`healthCheck.intervalMs`,
// `backends[0].weight`).
import type { FastifySchemaCompiler } from 'fastify';
import { Kind } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import type { ValueError } from '@sinclair/typebox/errors';
import { ApiError } from './api-error.ts';
import { convertParameters } from './param-conversion.ts';
import { OPTIONAL_BODY } from '../schemas/common-schemas.ts';

/** `/backends/0/address` → `backends[0].address`. */
export function pointerToField(pointer: string): string | undefined {
  if (pointer === '' || pointer === '/') return undefined;
  let field = '';
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    field += /^\d+$/.test(part) ? `[${part}]` : field === '' ? part : `.${part}`;
  }
  return field;
}

function describe(error: ValueError): string {
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'is required';
  if (error.type === ValueErrorType.ObjectAdditionalProperties) return 'is not a known field';
  // A schema can carry its own wording (`errorMessage`), used for whatever rule it breaks.
  const custom = (error.schema as { errorMessage?: unknown }).errorMessage;
  if (typeof custom === 'string') return custom;
  const options = (error.schema as { anyOf?: { const?: unknown }[] }).anyOf;
  if (options?.every((o) => typeof o.const === 'string')) {
    return `must be one of ${options.map((o) => o.const as string).join(', ')}`;
  }
  return error.message.charAt(0).toLowerCase() + error.message.slice(1);
}

/**
 * For a union that failed (`agentCheck`: an object or null), the error inside the variant that
 * got furthest (`agentCheck.port`), so the answer names the field the sender got wrong.
 */
function deepest(error: ValueError): ValueError {
  if (error.type !== ValueErrorType.Union) return error;
  let best = error;
  for (const variant of error.errors) {
    const first = variant.First();
    if (first !== undefined && first.path.length > best.path.length) best = deepest(first);
  }
  return best;
}

function toApiError(found: ValueError | undefined, part: string): ApiError {
  if (!found) return new ApiError(400, 'VALIDATION_ERROR', `invalid ${part}`);
  const error = deepest(found);
  const field = pointerToField(error.path);
  const message = field ? `${field}: ${describe(error)}` : `${part}: ${describe(error)}`;
  return new ApiError(400, 'VALIDATION_ERROR', message, field);
}

/** Fastify validator compiler for TypeBox schemas. */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  if (!(Kind in schema)) throw new TypeError(`route schema for ${httpPart ?? 'a request part'} is not a TypeBox schema`);
  const check = TypeCompiler.Compile(schema);
  const strict = httpPart === 'body';
  const optionalBody = strict && (schema as Record<string, unknown>)[OPTIONAL_BODY] === true;
  return (data: unknown) => {
    // Fastify hands a missing body over as null.
    if (optionalBody && data === null) return { value: undefined };
    const value = strict ? data : convertParameters(schema, data);
    if (check.Check(value)) return { value };
    return { error: toApiError(check.Errors(value).First(), httpPart === 'querystring' ? 'query' : (httpPart ?? 'request')) };
  };
};
