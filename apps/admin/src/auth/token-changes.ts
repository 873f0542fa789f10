// Creating and revoking API tokens: store writes plus audit rows, run by the config service's
// recordChange (API) or in a plain transaction (the `fulcrum token` command).
import { ApiError, notFound, validationError } from '../http/api-error.ts';
import type { ChangeContext } from '../config/config-service.ts';
import { generateToken, hashToken } from './tokens.ts';

/** Actors the audit log uses for changes that no token made: a token cannot take these names. */
export const RESERVED_TOKEN_NAMES: readonly string[] = ['cli', 'engine'];

/** A new token, as answered once by POST /api/tokens and `fulcrum token create`. */
export interface CreatedToken {
  id: number;
  name: string;
  /** The secret: shown once, only its hash is stored. */
  token: string;
  createdAt: string;
}

/** Creates the token `name`; 409 DUPLICATE_TOKEN if an active token has that name. */
export function createToken(ctx: ChangeContext, name: string): CreatedToken {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
    throw validationError('name', 'must be 1-64 characters: letters, digits, dot, underscore or hyphen');
  }
  if (RESERVED_TOKEN_NAMES.includes(name)) {
    throw validationError('name', `"${name}" is reserved for changes made without a token`);
  }
  const existing = ctx.store.tokens.getByName(name);
  if (existing && existing.revokedAt === null) {
    throw new ApiError(409, 'DUPLICATE_TOKEN', `name: a token named "${name}" already exists; revoke it first`, 'name');
  }
  const token = generateToken();
  const id = ctx.store.tokens.insert(name, hashToken(token));
  const created = ctx.store.tokens.getById(id);
  ctx.audit({ kind: 'token-created', message: `API token "${name}" created`, details: { tokenId: id, name } });
  return { id, name, token, createdAt: created?.createdAt ?? new Date().toISOString() };
}

/** Revokes an active token by id; returns its name. 404 if there is no such active token. */
export function revokeToken(ctx: ChangeContext, id: number): string {
  const record = ctx.store.tokens.getById(id);
  if (!record || record.revokedAt !== null || !ctx.store.tokens.revokeById(id)) throw notFound(`token ${id}`);
  ctx.audit({ kind: 'token-revoked', message: `API token "${record.name}" revoked`, details: { tokenId: id, name: record.name } });
  return record.name;
}
