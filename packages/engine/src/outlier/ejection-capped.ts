// How a refused passive ejection is reported: a `service-error` with a stable code, so it goes
// through the same per-service, per-code rate bound (one event per window, the rest counted in it)
// and lands in the event log and the console like the other things worth an operator's look.

/** The service-error code of a passive ejection refused by maxEjectionPercent. */
export const EJECTION_CAPPED = 'EJECTION_CAPPED';

/** The event message: which backend was spared, why it would have gone, and the cap. */
export function ejectionCappedMessage(address: string, reason: string, ejected: number, allowed: number, total: number, percent: number): string {
  return `backend ${address} not ejected (${reason}): ${ejected} of ${total} backends are ejected already, maxEjectionPercent ${percent} allows ${allowed}`;
}
