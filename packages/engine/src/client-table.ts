// The per-client state of a service's `limits`, bounded whatever the number of distinct clients
// (README "How much one client may take", docs/DESIGN.md): at most `capacity` entries, like an
// HAProxy stick table's `size`. A client has an entry while it has live connections (its
// concurrent count) and, when a per-client rate is set, for a while after (its token bucket).
// Entries without live connections are kept in least-recently-released order and are the only
// ones ever evicted: the oldest goes first when the table is full, and an idle entry whose bucket
// has refilled completely is dropped on the way (it says nothing a fresh entry would not). Entries
// with live connections are never evicted — a client cannot escape its concurrent limit by
// crowding the table — so a table full of them refuses new clients (fail closed). Every step is
// O(1); the idle order is an intrusive list (no Set, no iterator) and dropped entries are reused,
// so a busy table allocates nothing.

/** One client's state. `tokens`/`at` are its token bucket (token-bucket.ts). */
export class ClientEntry {
  key = '';
  /** Live connections of this client (never below 0). */
  conns = 0;
  tokens = 0;
  at = -1;
  /** False once the entry left the table (a connection still holding it releases it without effect). */
  listed = false;
  /** Neighbours in the table's idle list (entries without live connections); null at the ends or when not in it. */
  prev: ClientEntry | null = null;
  next: ClientEntry | null = null;
  idle = false;
}

/** Spare entries kept for reuse, at most. */
const SPARE = 256;

/** A bounded table of client entries. */
export class ClientTable {
  readonly #entries = new Map<string, ClientEntry>();
  /** Entries without live connections, least recently released first (an intrusive list). */
  #oldest: ClientEntry | null = null;
  #newest: ClientEntry | null = null;
  readonly #spare: ClientEntry[] = [];
  #capacity: number;
  #peak = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Entries now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The most entries the table ever held. */
  get peak(): number {
    return this.#peak;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** A new capacity; idle entries beyond it are dropped now (entries with live connections stay until they end). */
  resize(capacity: number): void {
    this.#capacity = capacity;
    while (this.#entries.size > capacity && this.#evictOldestIdle()) {
      // one idle entry dropped per turn
    }
  }

  /** The entry of `key`, if the table has one. */
  get(key: string): ClientEntry | undefined {
    return this.#entries.get(key);
  }

  /**
   * A new entry for `key` (not in the table), counted idle until hold(); null when the table is
   * full of entries with live connections.
   */
  add(key: string): ClientEntry | null {
    if (this.#entries.size >= this.#capacity && !this.#evictOldestIdle()) return null;
    const e = this.#spare.pop() ?? new ClientEntry();
    e.key = key;
    e.conns = 0;
    e.tokens = 0;
    e.at = -1;
    e.listed = true;
    this.#entries.set(key, e);
    this.#pushIdle(e);
    if (this.#entries.size > this.#peak) this.#peak = this.#entries.size;
    return e;
  }

  /** One more live connection of `e`. */
  hold(e: ClientEntry): void {
    if (e.conns++ === 0 && e.listed) this.#unlinkIdle(e);
  }

  /**
   * One connection of `e` ended. Without live connections it stays (its bucket matters: `keep`)
   * as the most recently released idle entry, or leaves the table.
   */
  release(e: ClientEntry, keep: boolean): void {
    if (e.conns === 0) return;
    if (--e.conns > 0 || !e.listed) return;
    if (keep) this.#pushIdle(e);
    else this.#drop(e);
  }

  /**
   * Drops up to `max` of the oldest idle entries that need no keeping: last used `idleMs` or
   * more before `now` (their bucket is full again). Called on each admission, so the table
   * shrinks back as clients go quiet, at a bounded cost per connection.
   */
  expire(now: number, idleMs: number, max = 2): void {
    for (let e = this.#oldest; e !== null && max-- > 0 && now - e.at >= idleMs; e = this.#oldest) this.#drop(e);
  }

  #evictOldestIdle(): boolean {
    if (this.#oldest === null) return false;
    this.#drop(this.#oldest);
    return true;
  }

  #pushIdle(e: ClientEntry): void {
    e.idle = true;
    e.prev = this.#newest;
    e.next = null;
    if (this.#newest === null) this.#oldest = e;
    else this.#newest.next = e;
    this.#newest = e;
  }

  #unlinkIdle(e: ClientEntry): void {
    if (!e.idle) return;
    if (e.prev === null) this.#oldest = e.next;
    else e.prev.next = e.next;
    if (e.next === null) this.#newest = e.prev;
    else e.next.prev = e.prev;
    e.prev = e.next = null;
    e.idle = false;
  }

  #drop(e: ClientEntry): void {
    this.#unlinkIdle(e);
    this.#entries.delete(e.key);
    e.listed = false;
    // An entry still held by a connection is not reused (its release must find it unlisted).
    if (e.conns === 0 && this.#spare.length < SPARE) this.#spare.push(e);
  }
}
