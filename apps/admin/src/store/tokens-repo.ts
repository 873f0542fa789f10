// Repository of API tokens. Only SHA-256 hashes are stored (see auth/tokens.ts for why not a slow KDF).
import type { Database } from 'better-sqlite3';

export interface TokenRecord {
  id: number;
  name: string;
  hash: string;
  createdAt: string;
  revokedAt: string | null;
}

interface TokenRow {
  id: number;
  name: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

function toRecord(row: TokenRow): TokenRecord {
  return { id: row.id, name: row.name, hash: row.hash, createdAt: row.created_at, revokedAt: row.revoked_at };
}

export type TokensRepo = ReturnType<typeof createTokensRepo>;

/** Builds the tokens repository over `db`. */
export function createTokensRepo(db: Database) {
  const active = db.prepare<[], TokenRow>('SELECT * FROM tokens WHERE revoked_at IS NULL ORDER BY id');
  const byName = db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE name = ?');
  const byId = db.prepare<[number], TokenRow>('SELECT * FROM tokens WHERE id = ?');
  const upsert = db.prepare<[string, string, string]>(`
    INSERT INTO tokens (name, hash, created_at) VALUES (?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, created_at = excluded.created_at, revoked_at = NULL`);
  const revoke = db.prepare<[string, string]>('UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL');
  const insert = db.prepare<[string, string, string]>('INSERT INTO tokens (name, hash, created_at) VALUES (?, ?, ?)');
  const removeRevoked = db.prepare<[string]>('DELETE FROM tokens WHERE name = ? AND revoked_at IS NOT NULL');
  const revokeById = db.prepare<[string, number]>('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const endSessions = db.prepare<[number]>('DELETE FROM sessions WHERE token_id = ?');
  const endSessionsByName = db.prepare<[string]>('DELETE FROM sessions WHERE token_id IN (SELECT id FROM tokens WHERE name = ?)');
  // A revoked token's sessions end with it, in the same transaction (the CLI revokes too).
  const revokeAndEnd = db.transaction((name: string): boolean => {
    if (revoke.run(new Date().toISOString(), name).changes === 0) return false;
    endSessionsByName.run(name);
    return true;
  });
  const revokeByIdAndEnd = db.transaction((id: number): boolean => {
    if (revokeById.run(new Date().toISOString(), id).changes === 0) return false;
    endSessions.run(id);
    return true;
  });

  return {
    listActive: (): TokenRecord[] => active.all().map(toRecord),
    getByName: (name: string): TokenRecord | undefined => {
      const row = byName.get(name);
      return row && toRecord(row);
    },
    getById: (id: number): TokenRecord | undefined => {
      const row = byId.get(id);
      return row && toRecord(row);
    },
    /** Creates the token `name`, or replaces its hash (and un-revokes it). */
    upsert: (name: string, hash: string): void => {
      upsert.run(name, hash, new Date().toISOString());
    },
    /** Revokes the active token `name` and ends its sessions. */
    revoke: (name: string): boolean => revokeAndEnd(name),
    /**
     * Adds a token under a new id. A revoked token of the same name is deleted first, so the
     * new one never inherits its id (sessions are bound to token ids).
     */
    insert: (name: string, hash: string): number => {
      removeRevoked.run(name);
      return Number(insert.run(name, hash, new Date().toISOString()).lastInsertRowid);
    },
    /** Revokes the active token `id` and ends its sessions. */
    revokeById: (id: number): boolean => revokeByIdAndEnd(id),
  };
}
