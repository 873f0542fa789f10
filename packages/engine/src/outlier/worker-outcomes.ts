// The failure-rate detector in a process without its own health checker (an engine worker in
// external-health mode): each worker keeps the windows of its own connections and, when one
// trips, reports the backend as an outlier; the primary's checker ejects it, under the cap
// (maxEjectionPercent), for every worker. Windows are made once per backend, never per verdict.
import type { HealthCheckConfig } from '../config.ts';
import { OutcomeWindow, failureRateReason, failureRateTripped } from './failure-rate.ts';

/** One process's failure-rate windows of a service's backends, by backend id. */
export class WorkerOutcomes {
  readonly #windows = new Map<number, OutcomeWindow>();

  /**
   * One connection verdict of backend `id`. Returns the ejection reason when its window trips
   * (the window then starts over, so a backend is reported once per full detection), else null.
   */
  record(id: number, failed: boolean, hc: HealthCheckConfig, latest: string): string | null {
    if (!(hc.passiveFailurePercent > 0)) return null;
    let window = this.#windows.get(id);
    if (window === undefined) this.#windows.set(id, (window = new OutcomeWindow(hc.passiveWindow)));
    else if (window.size !== hc.passiveWindow) window.resize(hc.passiveWindow);
    window.record(failed);
    if (!failed || !failureRateTripped(window, hc)) return null;
    const reason = failureRateReason(window, hc.passiveFailurePercent, latest);
    window.clear();
    return reason;
  }

  /** Backend `id` got a new health verdict (or left): its outcomes start over. */
  reset(id: number): void {
    this.#windows.get(id)?.clear();
  }

  /** Forgets backends no longer in the service. */
  retain(ids: ReadonlySet<number>): void {
    for (const id of this.#windows.keys()) if (!ids.has(id)) this.#windows.delete(id);
  }
}
