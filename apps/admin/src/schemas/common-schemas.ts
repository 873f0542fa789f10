// Small TypeBox pieces reused by the request and response schemas.
import { Type } from '@sinclair/typebox';
import type { Static, TInteger, TLiteral, TObject, TSchema, TUnion } from '@sinclair/typebox';
import { API_WARNING_CODES } from '@fulcrum/shared/api';
import type { ApiWarningCode } from '@fulcrum/shared/api';
import { describeRange } from '@fulcrum/shared/limits';
import type { IntRange } from '@fulcrum/shared/limits';

/** A union of string literals, e.g. the admin states. */
export function literalUnion<const T extends string>(values: readonly T[]): TUnion<TLiteral<T>[]> {
  return Type.Union(values.map((v) => Type.Literal(v)));
}

/** An integer field accepting exactly `range` (a table in @fulcrum/shared/limits), with the shared wording. */
export function intInRange(range: IntRange): TInteger {
  return Type.Integer({ minimum: range.min, maximum: range.max, errorMessage: describeRange(range) });
}

/** One intInRange schema per entry of a limits table, under the same keys. */
export function intsInRanges<const K extends string>(limits: Readonly<Record<K, IntRange>>): Record<K, TInteger> {
  return Object.fromEntries(Object.entries<IntRange>(limits).map(([key, range]) => [key, intInRange(range)])) as Record<K, TInteger>;
}

/** A database id in a URL (`/services/:id`): only canonical decimal text (`12`, never `012`, `1e1`, `12.0`). */
export const DbId = Type.Integer({
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
  errorMessage: 'must be a positive integer written in decimal digits without sign, leading zeros, spaces or exponent',
});

export const ServiceParams = Type.Object({ id: DbId });
export type ServiceParams = Static<typeof ServiceParams>;

export const BackendParams = Type.Object({ id: DbId, backendId: DbId });
export type BackendParams = Static<typeof BackendParams>;

/** The body of every error response (ApiErrorBody in @fulcrum/shared/api); registered with app.addSchema. */
export const ApiErrorBodySchema = Type.Object(
  {
    statusCode: Type.Integer({ description: 'the HTTP status, repeated' }),
    code: Type.String({ description: 'stable error code (API_ERROR_CODES); branch on this, never on message' }),
    message: Type.String({ description: 'one line for humans' }),
    field: Type.Optional(Type.String({ description: 'the offending field, e.g. backends[0].address' })),
  },
  { $id: 'ApiErrorBody', description: 'Every error response has this body.' },
);

/** One warning of a change that was made (ApiWarning in @fulcrum/shared/api). */
export const ApiWarningSchema = Type.Object(
  {
    code: literalUnion(Object.keys(API_WARNING_CODES) as ApiWarningCode[]),
    field: Type.String({ description: 'the input the warning is about, e.g. address or services[0].backends[1].address' }),
    message: Type.String({ description: 'one line for humans' }),
  },
  { description: `A note on a change that was made. Codes: ${Object.entries(API_WARNING_CODES).map(([code, meaning]) => `${code} (${meaning})`).join('; ')}` },
);

/** `schema` plus the optional `warnings` member a change answers with when there is something to say. */
export function withWarnings<T extends TObject>(schema: T) {
  return Type.Object({
    ...schema.properties,
    warnings: Type.Optional(Type.Array(ApiWarningSchema, { description: 'present only when the change was made but deserves a look' })),
  });
}

/** What each error status means on this API (the OpenAPI response descriptions). */
const ERROR_STATUS = {
  400: 'Invalid input: VALIDATION_ERROR, INVALID_ADDRESS, INVALID_CIDR, INVALID_SNI, UNKNOWN_STRATEGY, UNKNOWN_NODE or SELF_LOOP (`field` names the offending field); MALFORMED_REQUEST when the request cannot be read',
  401: 'UNAUTHORIZED: no valid Bearer token or session cookie',
  403: 'CSRF_REJECTED: a cookie-authenticated change without the header x-fulcrum-csrf: 1',
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT: the request did not arrive in time',
  409: 'Conflict: DUPLICATE_SERVICE, DUPLICATE_BACKEND, DUPLICATE_TOKEN, SNI_CONFLICT, ADDRESS_IN_USE or VERSION_CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG: a path segment (an id) is longer than 100 characters',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'ENGINE_REJECTED: the engine refused the change; nothing was changed',
  429: 'RATE_LIMITED: too many failed authentication attempts from this client; the Retry-After header says when to try again',
  431: 'HEADERS_TOO_LARGE',
  500: 'INTERNAL: details are in the server log only',
  502: 'NODE_UNREACHABLE: the cluster node named by `node` did not answer in time or answered something that is not the API; NODE_REFUSED_CREDENTIALS: it refused the credentials passed on (a browser session is valid only on the node that made it; an API token on every node) (`field`: node)',
  503: 'STORE_UNAVAILABLE: a cluster node cannot reach the shared store (PostgreSQL); ENGINE_UNAVAILABLE: the data plane cannot take a change right now (engine workers restarting or not answering, or shutting down); UPGRADE_IN_PROGRESS: the process is handing over to its successor (retry after Retry-After). Nothing was changed',
} as const;
export type ErrorStatus = keyof typeof ERROR_STATUS;

/** Error responses for a route schema, each an ApiErrorBody. 500 is always included, and 429 wherever 401 is (failed authentication is rate-limited). */
export function errorResponses(...statuses: ErrorStatus[]): Record<number, TSchema> {
  const limited: ErrorStatus[] = statuses.includes(401) ? [429] : [];
  const all = [...new Set<ErrorStatus>([...statuses, ...limited, 500])].sort((a, b) => a - b);
  return Object.fromEntries(all.map((status) => [status, Type.Ref(ApiErrorBodySchema.$id!, { description: ERROR_STATUS[status] })]));
}

/** Errors of every authenticated route. */
export const AUTH_ERRORS: ErrorStatus[] = [401];
/** Errors of every authenticated change with a JSON body. */
export const CHANGE_ERRORS: ErrorStatus[] = [400, 401, 403, 413, 415, 503];

/** Marks a body schema whose body may be left out altogether (validator-compiler.ts). */
export const OPTIONAL_BODY = 'x-optional-body';

/**
 * The optional body of a DELETE: `{"version": N}` is the same check as `If-Match: "N"` (409
 * VERSION_CONFLICT when the service moved on); no body at all is no check.
 */
export const DeleteBody = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'the service version this delete is based on, as If-Match' })) },
  { additionalProperties: false, [OPTIONAL_BODY]: true },
);
export type DeleteBody = Static<typeof DeleteBody> | undefined;

/** Optional `If-Match` header carrying the service version (`"3"`, `W/"3"` or `3`). */
export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'The service version the change is based on (`"3"`, `W/"3"`, `3` or `*`); 409 VERSION_CONFLICT if stale',
      errorMessage: 'must be a service version, e.g. "3"',
    }),
  ),
});

/** Optional `If-Match` header of PUT /api/config: the ETag of GET /api/config. */
export const ConfigIfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The ETag of GET /api/config the document is based on (or `*`); 409 VERSION_CONFLICT if stale' })),
});
