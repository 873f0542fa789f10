// Repository of browser sessions. The cookie holds a random id; only its SHA-256 is stored, so
// a copy of the database cannot be replayed as a cookie.
import type { Database } from 'better-sqlite3';

export interface SessionRecord {
  tokenId: number;
  /** The token's name: the actor recorded in the audit log. */
  actor: string;
  /** Epoch milliseconds. */
  lastSeen: number;
  expiresAt: number;
}

interface SessionRow {
  token_id: number;
  name: string;
  last_seen: number;
  expires_at: number;
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>;

/** Builds the sessions repository over `db`. */
export function createSessionsRepo(db: Database) {
  const get = db.prepare<[string], SessionRow>(`
    SELECT s.token_id, t.name, s.last_seen, s.expires_at FROM sessions s JOIN tokens t ON t.id = s.token_id WHERE s.id = ?`);
  const insert = db.prepare<[string, number, number, number, number]>(
    'INSERT INTO sessions (id, token_id, created_at, last_seen, expires_at) VALUES (?, ?, ?, ?, ?)',
  );
  const touch = db.prepare<[number, number, string]>('UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id = ?');
  const remove = db.prepare<[string]>('DELETE FROM sessions WHERE id = ?');
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM sessions');
  const removeOldest = db.prepare<[number]>('DELETE FROM sessions WHERE id IN (SELECT id FROM sessions ORDER BY last_seen LIMIT ?)');
  const prune = db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?');

  return {
    get: (idHash: string): SessionRecord | undefined => {
      const row = get.get(idHash);
      return row && { tokenId: row.token_id, actor: row.name, lastSeen: row.last_seen, expiresAt: row.expires_at };
    },
    insert: (idHash: string, tokenId: number, now: number, expiresAt: number): void => {
      insert.run(idHash, tokenId, now, now, expiresAt);
    },
    touch: (idHash: string, now: number, expiresAt: number): void => {
      touch.run(now, expiresAt, idHash);
    },
    delete: (idHash: string): void => {
      remove.run(idHash);
    },
    count: (): number => count.get()?.n ?? 0,
    /** Deletes the `n` least recently used sessions. */
    deleteOldest: (n: number): void => {
      removeOldest.run(n);
    },
    /** Deletes the sessions expired at `now`; returns how many. */
    prune: (now: number): number => prune.run(now).changes,
  };
}
