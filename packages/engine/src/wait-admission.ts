// Whether a client with no backend to connect to may wait in its service's queue
// (wait-queue.ts) instead of being rejected at once, and whether a queued one still should.
import type { Backend } from './backend.ts';
import { isEligible } from './strategy.ts';

/**
 * Clients that may wait for a backend's first health check even when maxQueue is 0. Bounded:
 * past it, clients are rejected as before.
 */
const PENDING_CHECK_QUEUE = 1024;

/** Why waiting can help a client (see waitReason); null: nothing to wait for. */
export type WaitReason = 'pending-check' | 'full' | null;

/**
 * Why waiting can help a client that already tried `exclude`: a backend is still `unknown` —
 * its first health check has not finished, as right after a start or an add — so rejecting now
 * would be premature ('pending-check'); or an eligible backend it has not tried is only full
 * ('full', worth it when the operator allowed a queue). null: nothing to wait for.
 */
export function waitReason(backends: Iterable<Backend>, exclude: ReadonlySet<Backend> | null): WaitReason {
  let full = false;
  for (const b of backends) {
    if (exclude !== null && exclude.has(b)) continue;
    if (b.health === 'unknown' && b.adminState === 'enabled' && b.weight > 0) return 'pending-check';
    if (isEligible(b)) full = true;
  }
  return full ? 'full' : null;
}

/** A client waiting for `why` may join a queue of `queued` clients (maxQueue from the service's config). */
export function mayWait(why: WaitReason, queued: number, maxQueue: number): boolean {
  return (why === 'pending-check' && queued < Math.max(maxQueue, PENDING_CHECK_QUEUE)) || (why === 'full' && queued < maxQueue);
}
