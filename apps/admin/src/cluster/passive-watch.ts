// Workaround, in the worker, for an engine gap (reported to the engine's owner): in external
// health mode `passive-failure` fires when a backend's failStreak *equals* passiveFailures, and
// failStreak is only reset by a successful connect — so once a backend was ejected and came back,
// its streak is already past the threshold and it never fires again. Here the same condition is
// derived from the counters at each stats batch: `passiveFailures` connect failures with no
// successful connect in between (total unchanged) while the backend is not down.
import type { EngineConfig, EngineStats, PassiveFailureEvent } from '@fulcrum/engine';

interface Baseline {
  failures: number;
  total: number;
}

/** Finds failure streaks the engine did not report. */
export class PassiveWatch {
  readonly #base = new Map<string, Baseline>();
  readonly #reported = new Set<string>();

  /** The engine reported a streak itself: count afresh from the next batch. */
  reported(serviceId: string, backendId: string): void {
    this.#reported.add(`${serviceId}|${backendId}`);
  }

  /** Streaks of at least `passiveFailures` failures since the last success or report. */
  observe(stats: EngineStats, config: EngineConfig): PassiveFailureEvent[] {
    const found: PassiveFailureEvent[] = [];
    const seen = new Set<string>();
    for (const s of stats.services) {
      const limit = config.services.find((c) => c.id === s.id)?.healthCheck.passiveFailures ?? 0;
      for (const b of s.backends) {
        if (b.removed) continue;
        const key = `${s.id}|${b.id}`;
        seen.add(key);
        const now = { failures: b.connectFailures, total: b.total };
        const base = this.#base.get(key);
        const reset = base === undefined || this.#reported.delete(key) || b.total !== base.total || b.health === 'down' || limit <= 0;
        if (reset) {
          this.#base.set(key, now);
          continue;
        }
        const streak = b.connectFailures - base.failures;
        if (streak >= limit) {
          found.push({ time: Date.now(), serviceId: s.id, serviceName: s.name, backendId: b.id, address: b.address, reason: 'connect failures', streak });
          this.#base.set(key, now);
        }
      }
    }
    for (const key of this.#base.keys()) if (!seen.has(key)) this.#base.delete(key);
    return found;
  }
}
