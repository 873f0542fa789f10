// The bootstrap token named 'admin': from FULCRUM_ADMIN_TOKEN, or generated on first start.
import type { Store } from '../store/store.ts';
import { generateToken, hashToken } from './tokens.ts';

export const ADMIN_TOKEN_NAME = 'admin';

/** Where the admin token came from, for the start-up banner. */
export type AdminTokenSource =
  | { source: 'env' }
  | { source: 'generated'; token: string }
  | { source: 'stored' };

/**
 * Makes sure the 'admin' token exists. A given token (the environment variable) replaces the
 * stored hash; without one, a token is generated only if none is stored, and returned once so
 * it can be printed — afterwards only its hash exists.
 */
export function ensureAdminToken(store: Store, given?: string): AdminTokenSource {
  if (given !== undefined && given !== '') {
    const hash = hashToken(given);
    const current = store.tokens.getByName(ADMIN_TOKEN_NAME);
    if (current?.hash !== hash || current.revokedAt !== null) store.tokens.upsert(ADMIN_TOKEN_NAME, hash);
    return { source: 'env' };
  }
  const current = store.tokens.getByName(ADMIN_TOKEN_NAME);
  if (current && current.revokedAt === null) return { source: 'stored' };
  const token = generateToken();
  store.tokens.upsert(ADMIN_TOKEN_NAME, hashToken(token));
  return { source: 'generated', token };
}
