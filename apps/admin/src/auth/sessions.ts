// Browser sessions: a random id in the cookie, mapped here to the token that logged in.
// Held in memory: a restart logs browsers out (they log in again with the token link).
import { randomBytes } from 'node:crypto';

export interface Session {
  /** The token's name: the actor recorded in the audit log. */
  actor: string;
  tokenId: number;
  lastSeen: number;
}

export interface SessionStoreOptions {
  /** A session unused for this long expires (default 12 h). */
  idleTimeoutMs?: number;
  /** Oldest sessions are dropped beyond this many (default 10 000). */
  maxSessions?: number;
  now?: () => number;
}

/** In-memory session table with an idle timeout and a size bound. */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #idleTimeoutMs: number;
  readonly #maxSessions: number;
  readonly #now: () => number;

  constructor(opts: SessionStoreOptions = {}) {
    this.#idleTimeoutMs = opts.idleTimeoutMs ?? 12 * 60 * 60 * 1000;
    this.#maxSessions = opts.maxSessions ?? 10_000;
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Starts a session and returns its id (32 random bytes, base64url). */
  create(actor: string, tokenId: number): string {
    const id = randomBytes(32).toString('base64url');
    if (this.#sessions.size >= this.#maxSessions) {
      // Map iteration is insertion order: the first key is the oldest session.
      const oldest = this.#sessions.keys().next();
      if (!oldest.done) this.#sessions.delete(oldest.value);
    }
    this.#sessions.set(id, { actor, tokenId, lastSeen: this.#now() });
    return id;
  }

  /** The live session `id`, refreshing its idle timer; expired sessions are removed. */
  touch(id: string): Session | undefined {
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    const now = this.#now();
    if (now - session.lastSeen > this.#idleTimeoutMs) {
      this.#sessions.delete(id);
      return undefined;
    }
    session.lastSeen = now;
    return session;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  /** Ends every session opened with token `tokenId` (it was revoked); returns how many. */
  deleteByToken(tokenId: number): number {
    let n = 0;
    for (const [id, session] of this.#sessions) {
      if (session.tokenId === tokenId) {
        this.#sessions.delete(id);
        n++;
      }
    }
    return n;
  }
}
