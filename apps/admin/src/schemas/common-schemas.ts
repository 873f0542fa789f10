// Small TypeBox pieces reused by the request and response schemas.
import { Type } from '@sinclair/typebox';
import type { Static, TLiteral, TUnion } from '@sinclair/typebox';

/** A union of string literals, e.g. the admin states. */
export function literalUnion<const T extends string>(values: readonly T[]): TUnion<TLiteral<T>[]> {
  return Type.Union(values.map((v) => Type.Literal(v)));
}

/** A database id in a URL (`/services/:id`); converted from the path string. */
export const DbId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

export const ServiceParams = Type.Object({ id: DbId });
export type ServiceParams = Static<typeof ServiceParams>;

export const BackendParams = Type.Object({ id: DbId, backendId: DbId });
export type BackendParams = Static<typeof BackendParams>;

/** The body of every error response (ApiErrorBody in @fulcrum/shared/api). */
export const ApiErrorBodySchema = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
});

/** Optional `If-Match` header carrying the service version (`"3"`, `W/"3"` or `3`). */
export const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 64 })) });
