// A token bucket (README "How much one client may take"): a burst of `connections`, refilled
// evenly at `connections` per `intervalMs`. The state is two numbers on the owner's object (a
// client entry, the service), so no bucket object is allocated per client.
import type { RateLimitDto } from '@fulcrum/shared/api';

/** A bucket's state; `at` < 0 = never used (full). */
export interface BucketState {
  tokens: number;
  at: number;
}

/** Adds what `limit` refills since the last refill (at most a full bucket); then `b.tokens` is current. */
export function refill(b: BucketState, limit: RateLimitDto, now: number): void {
  if (b.at < 0) {
    b.tokens = limit.connections;
  } else if (now > b.at) {
    b.tokens = Math.min(limit.connections, b.tokens + ((now - b.at) * limit.connections) / limit.intervalMs);
  } else if (b.tokens > limit.connections) {
    // The limit was lowered: never more than a burst of the new size.
    b.tokens = limit.connections;
  }
  b.at = now;
}

/** True when a refilled bucket has a token for one more connection. */
export function hasToken(b: BucketState): boolean {
  return b.tokens >= 1;
}

/** Takes the token hasToken() saw. */
export function takeToken(b: BucketState): void {
  b.tokens -= 1;
}

/** How long after its last refill a bucket is full again whatever it held (then forgetting it loses nothing). */
export function fullAfterMs(limit: RateLimitDto): number {
  return limit.intervalMs;
}
