// What an operator reads about one backend's health: why it is in its state, since when, and
// what the last probe saw. Updated on transitions and probe results (strings stored as they
// arrive, never built per stats sample); snapshot() copies it for stats().
import type { BackendCheckDto } from '@fulcrum/shared/api';
import type { ProbeResult } from './probe-result.ts';

/** The health detail of one watched target. */
export class CheckRecord {
  #reason: string | null;
  #since: number;
  #lastAt: number | null = null;
  #lastOk: boolean | null = null;
  #lastDurationMs: number | null = null;
  #lastMessage: string | null = null;
  #role: string | null = null;

  /** `since`: wall-clock ms when checking began (the 'unknown' state's start). */
  constructor(since: number, reason: string | null) {
    this.#since = since;
    this.#reason = reason;
  }

  /** The target changed health state at `at` (wall-clock ms). */
  transitioned(reason: string, at: number): void {
    this.#reason = reason;
    this.#since = at;
  }

  /** An active probe finished at `at` (wall-clock ms) after `durationMs`. */
  probed(result: ProbeResult, durationMs: number, at: number): void {
    this.#lastAt = at;
    this.#lastOk = result.ok;
    this.#lastDurationMs = Math.round(durationMs * 100) / 100;
    this.#lastMessage = result.ok ? null : result.reason;
    // A probe that never reached the server (refused, timeout) saw no role: keep the last one seen.
    if (result.role !== undefined) this.#role = result.role;
  }

  /** A copy for stats(), with the checker's current streaks. */
  snapshot(consecutiveSuccesses: number, consecutiveFailures: number): BackendCheckDto {
    return {
      reason: this.#reason,
      since: this.#since,
      lastAt: this.#lastAt,
      lastOk: this.#lastOk,
      lastDurationMs: this.#lastDurationMs,
      lastMessage: this.#lastMessage,
      consecutiveSuccesses,
      consecutiveFailures,
      role: this.#role,
    };
  }
}
