// One budget of failed authentications per client (clientKey: IPv4 address or IPv6 /64), shared
// by every way in: Bearer tokens, session cookies, `?token=` on the WebSocket, and POST /api/login.
// Fixed windows: the first failure opens a window of `windowMs`; the failure that reaches
// `maxFailures` blocks the client until that window ends (Retry-After).
//
// A blocked client still gets in with a credential that already proved itself from that client:
// any valid session cookie (256 random bits, issued only after a successful login), or a token
// that authenticated from this client before (kept in `proven`). Anything else from a blocked
// client is answered 429 whether or not it is right, so the limiter never becomes an oracle that
// answers 429 to wrong guesses and 200 to the right one. An operator whose console, CI job or
// Prometheus was already working keeps working while someone behind the same NAT guesses.
//
// Memory is bounded: at most `maxClients` entries, the least recently used dropped first (a Map
// keeps insertion order; a failure or a newly proven token re-inserts). An attacker with more addresses than that only
// evicts entries; each of its addresses still gets `maxFailures` per window, which per-client
// limiting cannot prevent anyway.

/** Tokens remembered as proven per client: a handful of clients share one address at most. */
const MAX_PROVEN_PER_CLIENT = 8;

interface ClientState {
  failures: number;
  windowStart: number;
  /** Epoch ms until which this client is blocked; 0 when it is not. */
  blockedUntil: number;
  /** Ids of tokens that authenticated from this client, most recent last. */
  proven: number[];
}

export interface FailureLimiterOptions {
  maxFailures: number;
  windowMs: number;
  maxClients: number;
  now?: () => number;
}

/** Counts failed authentications per client and says when a client must wait. */
export class FailureLimiter {
  readonly #clients = new Map<string, ClientState>();
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxClients: number;
  readonly #now: () => number;

  constructor(opts: FailureLimiterOptions) {
    this.#maxFailures = opts.maxFailures;
    this.#windowMs = opts.windowMs;
    this.#maxClients = Math.max(1, opts.maxClients);
    this.#now = opts.now ?? Date.now;
  }

  /** Clients remembered (never more than maxClients). */
  get size(): number {
    return this.#clients.size;
  }

  /** Milliseconds until `key` may try again; 0 when it is not blocked. */
  blockedFor(key: string): number {
    const state = this.#clients.get(key);
    if (!state || state.blockedUntil === 0) return 0;
    const left = state.blockedUntil - this.#now();
    return left > 0 ? left : 0;
  }

  /** Whether token `tokenId` authenticated from `key` before (any token when tokenId is undefined). */
  isProven(key: string, tokenId?: number): boolean {
    const proven = this.#clients.get(key)?.proven;
    if (!proven) return false;
    return tokenId === undefined ? proven.length > 0 : proven.includes(tokenId);
  }

  /** Records a failed authentication from `key`. */
  fail(key: string): void {
    const now = this.#now();
    const state = this.#touch(key);
    if (state.failures === 0 || now - state.windowStart >= this.#windowMs) {
      state.failures = 0;
      state.windowStart = now;
      state.blockedUntil = 0;
    }
    state.failures++;
    if (state.failures >= this.#maxFailures) state.blockedUntil = state.windowStart + this.#windowMs;
  }

  /** Records that token `tokenId` authenticated from `key`. */
  succeed(key: string, tokenId: number): void {
    const existing = this.#clients.get(key);
    // The common case (a known client, a known token) costs one lookup and changes nothing.
    if (existing?.proven.at(-1) === tokenId) return;
    const state = this.#touch(key);
    const at = state.proven.indexOf(tokenId);
    if (at !== -1) state.proven.splice(at, 1);
    state.proven.push(tokenId);
    if (state.proven.length > MAX_PROVEN_PER_CLIENT) state.proven.shift();
  }

  /** The entry for `key`, created if needed and moved to the most recently used end. */
  #touch(key: string): ClientState {
    let state = this.#clients.get(key);
    if (state) {
      this.#clients.delete(key);
    } else {
      state = { failures: 0, windowStart: 0, blockedUntil: 0, proven: [] };
      if (this.#clients.size >= this.#maxClients) {
        const oldest = this.#clients.keys().next().value;
        if (oldest !== undefined) this.#clients.delete(oldest);
      }
    }
    this.#clients.set(key, state);
    return state;
  }
}
