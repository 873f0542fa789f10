// Rate bound of `service-error` events: an error of a listener or of the local system (EMFILE
// on every accept of a busy port) can repeat thousands of times a second, and each event becomes
// an event-log row and a push to every console. Per service and code, the first occurrence is
// reported at once; later ones within the window are counted and reported together, once, when
// the window ends.

/** At most one report per service and code per this window. */
export const SERVICE_ERROR_WINDOW_MS = 10_000;

interface Slot {
  /** When the window opened (performance.now()). */
  since: number;
  /** Occurrences within the window after the one reported. */
  suppressed: number;
  /** The latest suppressed message, reported at the end of the window. */
  message: string;
  timer: NodeJS.Timeout | null;
}

/** Decides which service errors are reported; `report` runs for those that are. */
export class ServiceErrorGate {
  readonly #slots = new Map<string, Slot>();
  readonly #report: (serviceId: number, code: string, message: string) => void;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(report: (serviceId: number, code: string, message: string) => void, windowMs = SERVICE_ERROR_WINDOW_MS, now = () => performance.now()) {
    this.#report = report;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** One occurrence of `code` on service `serviceId`. */
  add(serviceId: number, code: string, message: string): void {
    const key = `${serviceId}|${code}`;
    const now = this.#now();
    const slot = this.#slots.get(key);
    if (slot !== undefined && now - slot.since < this.#windowMs) {
      slot.suppressed++;
      slot.message = message;
      slot.timer ??= setTimeout(() => this.#flush(key, serviceId, code), slot.since + this.#windowMs - now).unref();
      return;
    }
    this.#slots.set(key, { since: now, suppressed: 0, message, timer: null });
    this.#report(serviceId, code, message);
  }

  /** Forgets every pending report (the engine closes). */
  close(): void {
    for (const slot of this.#slots.values()) if (slot.timer !== null) clearTimeout(slot.timer);
    this.#slots.clear();
  }

  #flush(key: string, serviceId: number, code: string): void {
    const slot = this.#slots.get(key);
    if (slot === undefined) return;
    slot.timer = null;
    const n = slot.suppressed;
    // A new window opens now: the next occurrence waits for it to end.
    this.#slots.set(key, { since: this.#now(), suppressed: 0, message: slot.message, timer: null });
    this.#report(serviceId, code, `${slot.message} (${n} more in the last ${Math.round(this.#windowMs / 1000)} s)`);
  }
}
