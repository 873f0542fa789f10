// The bootstrap token named 'admin': from FULCRUM_ADMIN_TOKEN, or generated on first start.
import type { AuditEntry } from '../config/config-service.ts';
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
 * it can be printed — afterwards only its hash exists. `audit` records a write (a cluster node
 * shares the token with the others through a recorded change).
 */
export function ensureAdminToken(store: Store, given?: string, audit?: (entry: AuditEntry) => void): AdminTokenSource {
  if (given !== undefined && given !== '') {
    const hash = hashToken(given);
    const current = store.tokens.getByName(ADMIN_TOKEN_NAME);
    if (current?.hash !== hash || current.revokedAt !== null) {
      store.tokens.upsert(ADMIN_TOKEN_NAME, hash);
      audit?.({ kind: 'token-created', message: 'API token "admin" set from FULCRUM_ADMIN_TOKEN', details: { name: ADMIN_TOKEN_NAME } });
    }
    return { source: 'env' };
  }
  const current = store.tokens.getByName(ADMIN_TOKEN_NAME);
  if (current && current.revokedAt === null) return { source: 'stored' };
  const token = generateToken();
  store.tokens.upsert(ADMIN_TOKEN_NAME, hashToken(token));
  audit?.({ kind: 'token-created', message: 'API token "admin" generated on first start', details: { name: ADMIN_TOKEN_NAME } });
  return { source: 'generated', token };
}
