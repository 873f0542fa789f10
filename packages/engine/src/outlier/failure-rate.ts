// The failure-rate detector of passive health (Envoy's failure_percentage, over a sliding window
// instead of Envoy's per-interval counts): a backend's latest N connection outcomes, one bit each
// in a ring, with running counts, so recording an outcome is O(1) and allocates nothing. The rate
// is judged on each failure (a success never ejects): the failure that brings the window to the
// threshold, once it holds the minimum volume, ejects.

/** A ring of a backend's latest connection outcomes (1 = failed). */
export class OutcomeWindow {
  #bits: Uint32Array;
  #size: number;
  /** Where the next outcome goes. */
  #next = 0;
  /** Outcomes held (≤ size). */
  #count = 0;
  /** Failures among them. */
  #failures = 0;

  /** A window of the latest `size` (≥ 1) outcomes. */
  constructor(size: number) {
    this.#size = Math.max(1, Math.floor(size));
    this.#bits = new Uint32Array(Math.ceil(this.#size / 32));
  }

  /** How many outcomes it holds at most. */
  get size(): number {
    return this.#size;
  }

  /** Outcomes held now. */
  get count(): number {
    return this.#count;
  }

  /** Failures among the outcomes held. */
  get failures(): number {
    return this.#failures;
  }

  /** One more outcome; the oldest falls out once the window is full. */
  record(failed: boolean): void {
    const word = this.#next >>> 5;
    const mask = 1 << (this.#next & 31);
    if (this.#count === this.#size) {
      if ((this.#bits[word]! & mask) !== 0) this.#failures--;
    } else {
      this.#count++;
    }
    if (failed) {
      this.#bits[word]! |= mask;
      this.#failures++;
    } else {
      this.#bits[word]! &= ~mask;
    }
    this.#next = this.#next + 1 === this.#size ? 0 : this.#next + 1;
  }

  /** Forgets every outcome (an ejection, a new verdict). */
  clear(): void {
    this.#bits.fill(0);
    this.#next = 0;
    this.#count = 0;
    this.#failures = 0;
  }

  /** A new size: the outcomes are forgotten (a settings change, never on the data path). */
  resize(size: number): void {
    this.#size = Math.max(1, Math.floor(size));
    this.#bits = new Uint32Array(Math.ceil(this.#size / 32));
    this.#next = 0;
    this.#count = 0;
    this.#failures = 0;
  }
}

/** The detector's settings (the service's `healthCheck.passive*`). */
export interface FailureRateSettings {
  /** 0 = off. */
  readonly passiveFailurePercent: number;
  readonly passiveMinVolume: number;
}

/**
 * True when `window` says eject: the detector is on, the window holds at least the minimum
 * volume, and failures are at least `passiveFailurePercent` % of what it holds.
 */
export function failureRateTripped(window: OutcomeWindow, settings: FailureRateSettings): boolean {
  const percent = settings.passiveFailurePercent;
  if (!(percent > 0) || window.count < Math.max(1, settings.passiveMinVolume)) return false;
  // Integer arithmetic: 3 of 5 is exactly 60 %, no rounding at the threshold.
  return window.failures * 100 >= percent * window.count;
}

/** The ejection reason of the failure-rate detector: `passive: 6 of 10 failed (≥ 50 %), latest reset before first byte`. */
export function failureRateReason(window: OutcomeWindow, percent: number, latest: string): string {
  return `passive: ${window.failures} of ${window.count} failed (≥ ${percent} %), latest ${latest}`;
}
