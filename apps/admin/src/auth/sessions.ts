// Browser sessions: a random id in the cookie, mapped in SQLite (sessions-repo.ts) to the token
// that logged in, so a restart does not log browsers out. Only the id's SHA-256 is stored.
import { randomBytes } from 'node:crypto';
import type { SessionsRepo } from '../store/sessions-repo.ts';
import { hashToken } from './tokens.ts';

export interface Session {
  /** The token's name: the actor recorded in the audit log. */
  actor: string;
  tokenId: number;
  lastSeen: number;
}

export interface SessionStoreOptions {
  repo: SessionsRepo;
  /**
   * Runs a write on the shared connection. It must be the config service's exclusive section:
   * a config change keeps a transaction open across the engine's apply.
   */
  write: (task: () => void) => Promise<void>;
  /** A session unused for this long expires (default 12 h). */
  idleTimeoutMs?: number;
  /** Least recently used sessions are dropped beyond this many (default 10 000). */
  maxSessions?: number;
  now?: () => number;
  /** Where a failed background write (a session's last-seen time) is reported. */
  onError?: (err: unknown) => void;
}

/** Session table with an idle timeout and a size bound, kept in the store. */
export class SessionStore {
  readonly #repo: SessionsRepo;
  readonly #write: (task: () => void) => Promise<void>;
  readonly #idleTimeoutMs: number;
  readonly #maxSessions: number;
  readonly #now: () => number;
  readonly #onError: (err: unknown) => void;
  /** Last-seen times are written at most this often per session: not one fsync per request. */
  readonly #refreshMs: number;

  constructor(opts: SessionStoreOptions) {
    this.#repo = opts.repo;
    this.#write = opts.write;
    this.#idleTimeoutMs = opts.idleTimeoutMs ?? 12 * 60 * 60 * 1000;
    this.#maxSessions = opts.maxSessions ?? 10_000;
    this.#now = opts.now ?? Date.now;
    this.#onError = opts.onError ?? (() => {});
    this.#refreshMs = Math.min(60_000, this.#idleTimeoutMs / 10);
  }

  get size(): number {
    return this.#repo.count();
  }

  /** Starts a session for token `tokenId` and returns its id (32 random bytes, base64url). */
  async create(tokenId: number): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.#write(() => {
      const excess = this.#repo.count() - this.#maxSessions + 1;
      if (excess > 0) this.#repo.deleteOldest(excess);
      const now = this.#now();
      this.#repo.insert(hashToken(id), tokenId, now, now + this.#idleTimeoutMs);
    });
    return id;
  }

  /** The live session `id`, refreshing its idle timer; expired sessions are removed. */
  touch(id: string): Session | undefined {
    const key = hashToken(id);
    const record = this.#repo.get(key);
    if (!record) return undefined;
    const now = this.#now();
    if (now >= record.expiresAt) {
      this.#background(() => this.#repo.delete(key));
      return undefined;
    }
    if (now - record.lastSeen >= this.#refreshMs) {
      this.#background(() => this.#repo.touch(key, now, now + this.#idleTimeoutMs));
    }
    return { actor: record.actor, tokenId: record.tokenId, lastSeen: now };
  }

  /** The live session `id` without refreshing its idle timer (checking an open WebSocket is not a use). */
  peek(id: string): Session | undefined {
    const record = this.#repo.get(hashToken(id));
    if (!record || this.#now() >= record.expiresAt) return undefined;
    return { actor: record.actor, tokenId: record.tokenId, lastSeen: record.lastSeen };
  }

  /** Ends the session `id`. */
  delete(id: string): Promise<void> {
    return this.#write(() => this.#repo.delete(hashToken(id)));
  }

  /** Deletes expired sessions (at start and hourly); returns how many. */
  async prune(): Promise<number> {
    let n = 0;
    await this.#write(() => {
      n = this.#repo.prune(this.#now());
    });
    return n;
  }

  #background(task: () => void): void {
    this.#write(task).catch(this.#onError);
  }
}
