// Draining a backend: it takes no new connections and its drain ends when its last connection
// does, or when drainTimeoutMs passes (then the connections left are closed). One drain at a
// time per backend; its end is reported exactly once.
import type { Backend } from './backend.ts';

/** What a drain needs from the service that owns the backend. */
export interface DrainOwner {
  /** 0 = no limit: the drain ends only when the last connection does. */
  readonly drainTimeoutMs: number;
  /** The drain of `b` ended (reported once per drain). */
  onDrainEnd(b: Backend, closedByTimeout: number): void;
}

/** Starts (or restarts) draining `b`; ends at once when it has no connection. */
export function startDrain(owner: DrainOwner, b: Backend): void {
  b.clearDrainTimer();
  b.drainDone = false;
  if (b.localActive === 0) {
    endDrain(owner, b, 0);
    return;
  }
  if (owner.drainTimeoutMs === 0) return;
  b.drainTimer = setTimeout(drainTimedOut, owner.drainTimeoutMs, owner, b);
  b.drainTimer.unref();
}

/**
 * A connection of `b` ended (or never connected): the drain ends with the last one. true when
 * `b` is draining and idle (its drain ended now, or had already ended).
 */
export function endDrainIfIdle(owner: DrainOwner, b: Backend): boolean {
  if (b.adminState !== 'draining' || b.localActive !== 0) return false;
  endDrain(owner, b, 0);
  return true;
}

/** Stops a drain that no longer applies (the backend was enabled again). */
export function cancelDrain(b: Backend): void {
  b.clearDrainTimer();
}

function drainTimedOut(owner: DrainOwner, b: Backend): void {
  endDrain(owner, b, b.destroyConnections());
}

function endDrain(owner: DrainOwner, b: Backend, closedByTimeout: number): void {
  // After a drain timeout, the connections it closed end later and would end it again.
  if (b.drainDone) return;
  b.drainDone = true;
  b.clearDrainTimer();
  owner.onDrainEnd(b, closedByTimeout);
}
